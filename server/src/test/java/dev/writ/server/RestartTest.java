package dev.writ.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.writ.engine.audit.TrailRepair;
import dev.writ.engine.audit.TrailVerifier;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.eclipse.jetty.logging.JettyLogger;
import org.eclipse.jetty.logging.StdErrAppender;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Durability: stopped and started again with the same data directory, the service has the same
 * grants and pending requests, continues the trail, and the trail verifies. The same holds for a
 * copy of the data taken while it runs (what a crash leaves), even with a torn last line.
 */
@SuppressWarnings("try") // the tests close the server inside its try block to restart it
class RestartTest {
  @TempDir
  Path dir;

  @Test
  void restartKeepsGrantsPendingRequestsAndTheTrail() throws Exception {
    try (TestServer s = new TestServer(dir)) {
      String active = s.post("/v1/grants", TestServer.ALICE_METRICS).json().path("id").asText();
      String pending = s.post("/v1/grants", TestServer.ALICE_ORDERS).json().path("id").asText();
      String child = s.post("/v1/grants/" + active + "/delegations", "{\"to\":\"Assistant::triage-bot\"}").json()
          .path("id").asText();
      String revoked = s.post("/v1/grants", TestServer.ALICE_METRICS.replace("alice", "bob")).json().path("id")
          .asText();
      s.delete("/v1/grants/" + revoked, null);
      String shortLived = s.post("/v1/grants", TestServer.ALICE_METRICS.replace("}}", "},\"duration\":\"10m\"}"))
          .json().path("id").asText();
      JsonNode before = s.get("/v1/grants").json();
      long records = s.auditLength();
      String head = s.get("/health").json().path("audit_head").asText();

      s.restart();

      assertEquals(before, s.get("/v1/grants").json(), "the same grants, in the same states");
      assertEquals(records, s.auditLength());
      assertEquals(head, s.get("/health").json().path("audit_head").asText());
      assertEquals(List.of(active, child, shortLived),
          EndpointsTest.ids(s.get("/v1/grants?active=true").json()));

      // Work continues where it stopped: the pending request can be approved, the child used,
      // new ids do not collide, and expiry is recorded by the running service.
      JsonNode approved = s.post("/v1/grants/" + pending + "/approvals", "{\"by\":\"Employee::carol\"}").json();
      assertEquals("permit", approved.path("decision").path("decision").asText());
      assertEquals("allow", s.post("/v1/actions", "{\"grant\":\"" + child
          + "\",\"action\":\"db:select\",\"resource\":\"Database::metrics\"}").json().path("answer").asText());
      String fresh = s.post("/v1/grants", TestServer.ALICE_METRICS).json().path("id").asText();
      assertTrue(before.path("grants").findValuesAsText("id").stream().noneMatch(fresh::equals));
      s.clock.advance(11 * 60);
      long deadline = System.nanoTime() + 5_000_000_000L;
      while (EndpointsTest.lines(s.get("/v1/audit?event=expired&grant=" + shortLived).body()).isEmpty()
          && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertEquals(1, EndpointsTest.lines(s.get("/v1/audit?event=expired&grant=" + shortLived).body()).size());

      s.close();
      TrailVerifier.Result v = TrailVerifier.verify(s.trail());
      assertTrue(v.ok(), v.problem());
      assertEquals(s.auditLengthFromFile(), v.records());
    }
  }

  @Test
  void aCopyTakenWhileRunningStartsLikeACrashedService() throws Exception {
    Path crashed = dir.resolve("crashed");
    try (TestServer s = new TestServer(dir.resolve("live"))) {
      String g = s.post("/v1/grants", TestServer.ALICE_METRICS).json().path("id").asText();
      s.post("/v1/grants/" + g + "/delegations", "{\"to\":\"Assistant::triage-bot\"}");
      JsonNode active = s.get("/v1/grants?active=true").json();
      // What a crash leaves: the data as it is on disk, mid-run, plus half a record being written.
      Files.createDirectories(crashed.resolve("data"));
      Files.copy(s.trail(), crashed.resolve("data").resolve("audit.jsonl"));
      Files.writeString(crashed.resolve("data").resolve("audit.jsonl"), "{\"seq\":99,\"event\":\"requ",
          StandardOpenOption.APPEND);

      try (TestServer again = new TestServer(crashed)) {
        assertEquals(active, again.get("/v1/grants?active=true").json());
        assertTrue(TrailVerifier.verify(again.trail()).ok(), "the torn line was cut off");
        again.post("/v1/grants", TestServer.ALICE_METRICS);
      }
      TrailVerifier.Result v = TrailVerifier.verify(crashed.resolve("data").resolve("audit.jsonl"));
      assertTrue(v.ok(), v.problem());
    }
  }

  @Test
  void aTornTailIsCutLoggedAtWarnAndTheServiceHasTheHeadVerifyPrinted() throws Exception {
    try (TestServer s = new TestServer(dir)) {
      String g = s.post("/v1/grants", TestServer.ALICE_METRICS).json().path("id").asText();
      s.close();
      long size = Files.size(s.trail());
      long records = s.auditLengthFromFile();
      // A crash during the next append: part of its first record is on disk.
      String torn = "{\"seq\":" + (records + 1) + ",\"time\":\"2026-06-15T10:0";
      Files.writeString(s.trail(), torn, StandardOpenOption.APPEND);
      TrailVerifier.Result verified = TrailVerifier.verify(s.trail());
      assertEquals(new TrailRepair(s.trail(), size, records + 1, torn.length(), 0, true), verified.tornTail());

      JettyLogger log = (JettyLogger) LoggerFactory.getLogger(WritService.class);
      StdErrAppender appender = (StdErrAppender) log.getAppender();
      PrintStream before = appender.getStream();
      ByteArrayOutputStream captured = new ByteArrayOutputStream();
      appender.setStream(new PrintStream(captured, true, StandardCharsets.UTF_8));
      try {
        s.start();
      } finally {
        appender.setStream(before);
      }
      String warn = captured.toString(StandardCharsets.UTF_8).lines()
          .filter(l -> l.contains(":WARN :dws.WritService:") && l.contains("torn tail")).findFirst().orElse(null);
      assertNotNull(warn, captured::toString);
      assertTrue(warn.endsWith("the audit trail " + s.trail() + " ended in a torn tail, as a crash during a write "
          + "leaves it (never acknowledged); cut " + torn.length() + " bytes from byte " + size + " (line "
          + (records + 1) + ") to the end: an unfinished "
          + "last line"), warn);
      assertEquals(verified.headHash(), s.get("/health").json().path("audit_head").asText(),
          "the head verify printed before the restart is the service's head after it");
      assertEquals(g, s.get("/v1/grants?active=true").json().path("grants").path(0).path("id").asText());
      assertEquals(size, Files.size(s.trail()));
    }
  }

  @Test
  void aDamagedTrailRefusesToStart() throws Exception {
    Path data;
    try (TestServer s = new TestServer(dir)) {
      s.post("/v1/grants", TestServer.ALICE_METRICS);
      s.post("/v1/grants", TestServer.ALICE_METRICS);
      data = s.data;
      s.close();
      List<String> lines = Files.readAllLines(s.trail());
      lines.set(1, lines.get(1).replace("\"permit\"", "\"deny\""));
      Files.write(s.trail(), lines);
      ServerStartException e = org.junit.jupiter.api.Assertions.assertThrows(ServerStartException.class, s::start);
      assertTrue(e.getMessage().contains("damaged at line 2"), e.getMessage());
      s.server = null;
    }
    assertTrue(Files.exists(data.resolve("audit.jsonl")), "the evidence is left as it was");
  }
}
