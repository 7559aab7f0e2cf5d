package dev.writ.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.writ.engine.json.DataDocument;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code GET /v1/audit} in pages ({@code after}, {@code limit}, {@code Writ-Next-After}), and
 * {@code follow=true}: records stream as they commit, heartbeats fill the quiet, and the stream
 * ends cleanly when the service stops. Every answer that recorded something names its record.
 */
class AuditExportTest {
  static final String ACT = "{\"grant\":\"%s\",\"action\":\"db:select\",\"resource\":\"Database::metrics\"}";

  @TempDir
  Path dir;

  static JsonNode json(String line) {
    try {
      return DataDocument.JSON.readTree(line);
    } catch (java.io.IOException e) {
      throw new AssertionError(line, e);
    }
  }

  static List<Long> seqs(TestServer.Res r) {
    return r.body().lines().map(l -> json(l).path("seq").asLong()).toList();
  }

  static String nextAfter(TestServer.Res r) {
    return r.raw().headers().firstValue("Writ-Next-After").orElse(null);
  }

  @Test
  void pagesChainThroughTheTrailAndAnswersNameTheirRecords() {
    try (TestServer s = new TestServer(dir)) {
      JsonNode granted = s.post("/v1/grants", TestServer.ALICE_METRICS).json();
      String id = granted.path("id").asText();
      assertEquals(3, granted.path("seq").asLong(), "requested, decided, granted: the answer names the last");
      for (int i = 0; i < 12; i++) {
        JsonNode a = s.post("/v1/actions", ACT.formatted(id)).json();
        assertEquals(4 + i, a.path("seq").asLong());
        TestServer.Res r = s.get("/v1/audit?after=" + (3 + i) + "&limit=1");
        assertEquals(a.path("seq").asLong(), json(r.body().strip()).path("seq").asLong());
        assertEquals("action", json(r.body().strip()).path("event").asText());
      }
      JsonNode unknown = s.post("/v1/actions", ACT.formatted("g-nope")).json();
      assertTrue(unknown.path("seq").isNull(), "nothing recorded, no record to name");

      // 15 records, in pages of 4: 4, 4, 4, 3, then an empty page that stays where it is.
      List<Long> all = new ArrayList<>();
      String after = "0";
      List<Integer> sizes = new ArrayList<>();
      while (true) {
        TestServer.Res r = s.get("/v1/audit?limit=4&after=" + after);
        assertEquals(200, r.status());
        List<Long> page = seqs(r);
        sizes.add(page.size());
        all.addAll(page);
        if (nextAfter(r).equals(after)) {
          break;
        }
        after = nextAfter(r);
      }
      assertEquals(List.of(4, 4, 4, 3, 0), sizes);
      assertEquals(java.util.stream.LongStream.rangeClosed(1, 15).boxed().toList(), all);
      // A filter applies within the pages: the next page starts after the last record looked at.
      TestServer.Res granted1 = s.get("/v1/audit?event=granted&limit=5");
      assertEquals(List.of(3L), seqs(granted1));
      assertEquals("15", nextAfter(granted1));

      assertEquals(400, s.get("/v1/audit?limit=0").status());
      assertEquals("limit", s.get("/v1/audit?limit=10001").at());
      assertEquals("after", s.get("/v1/audit?after=-1").at());
      assertEquals("after", s.get("/v1/audit?after=x").at());
      assertEquals("heartbeat", s.get("/v1/audit?heartbeat=5").at());
    }
  }

  @Test
  void followStreamsRecordsAsTheyCommitAndEndsWhenTheServiceStops() throws Exception {
    TestServer s = new TestServer(dir);
    try {
      String id = s.post("/v1/grants", TestServer.ALICE_METRICS).json().path("id").asText();
      HttpResponse<InputStream> stream = s.http.send(HttpRequest.newBuilder(s.uri("/v1/audit?follow=true&after=1"
          + "&heartbeat=1")).build(), HttpResponse.BodyHandlers.ofInputStream());
      assertEquals(200, stream.statusCode());
      assertEquals("application/x-ndjson", stream.headers().firstValue("Content-Type").orElse(""));
      assertNull(stream.headers().firstValue("Content-Length").orElse(null), "chunked: no length");
      assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(stream.body(), StandardCharsets.UTF_8))) {
          assertEquals(2, json(in.readLine()).path("seq").asLong(), "records already there come first");
          assertEquals(3, json(in.readLine()).path("seq").asLong());
          // Quiet: a heartbeat says where the stream stands (no seq, so never taken for a record).
          JsonNode beat = json(in.readLine());
          assertEquals(3, beat.path("after").asLong(), beat.toString());
          assertTrue(beat.has("heartbeat"));
          assertFalse(beat.has("seq"));
          // A record committed now arrives on the open stream.
          long seq = s.post("/v1/actions", ACT.formatted(id)).json().path("seq").asLong();
          String line;
          do {
            line = in.readLine();
          } while (json(line).has("heartbeat"));
          assertEquals(seq, json(line).path("seq").asLong());
          // Stopping ends the stream: the client reads to a clean end (not a reset).
          s.close();
          while ((line = in.readLine()) != null) {
            assertTrue(json(line).has("heartbeat"), line);
          }
        }
      });
    } finally {
      s.close();
    }
  }
}
