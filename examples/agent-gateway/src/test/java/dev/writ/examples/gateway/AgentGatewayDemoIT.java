package dev.writ.examples.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.writ.engine.audit.AuditRecord;
import dev.writ.engine.audit.TrailVerifier;
import dev.writ.engine.decision.Outcome;
import dev.writ.engine.grant.ActionAnswer;
import dev.writ.engine.grant.GrantState;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The example's story, asserted: decisions, tool-call answers, revocations and the trail. An
 * integration test (failsafe, `mvn verify`): it needs the policy library's bundle, which exists
 * once the library is packaged.
 */
class AgentGatewayDemoIT {
  private static final String RULE = "incident_db.oncall_investigate_prod_db";

  @TempDir
  Path dir;

  private AgentGatewayDemo.Story story(ByteArrayOutputStream out) throws Exception {
    return AgentGatewayDemo.run(dir, new PrintStream(out, true, StandardCharsets.UTF_8));
  }

  @Test
  void theIncidentStory() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    AgentGatewayDemo.Story s = story(out);

    // Restricted data: pending until a data owner approves; then two hours, not the three asked for.
    assertEquals(Outcome.PENDING, s.requested().decision().decision());
    assertEquals("Team::data-owners", s.requested().decision().pending().get(0).from().toString());
    assertEquals(Outcome.PERMIT, s.approved().decision().decision());
    assertEquals(List.of(RULE), s.approved().decision().policies());
    assertEquals(2 * 3600L, s.approved().decision().ttlSeconds().orElseThrow());
    assertEquals(s.requested().id(), s.approved().id(), "the request keeps its id");

    // Delegation narrows: one action, thirty minutes, and the chain remembers the human sponsor.
    assertEquals(Outcome.PERMIT, s.delegated().decision().decision());
    assertEquals(List.of("db:select"), s.delegated().grant().orElseThrow().actions());
    assertEquals(30 * 60L, s.delegated().decision().ttlSeconds().orElseThrow());
    assertEquals(List.of(AgentGatewayDemo.ALICE), s.delegated().grant().orElseThrow().chain());
    // One level only (delegate agent depth 1): the agent cannot pass it on to a sub-agent.
    assertEquals(Outcome.DENY, s.subDelegated().decision().decision());
    assertTrue(s.subDelegated().grant().isEmpty());
    assertEquals(List.of("no grant applies to `db:select` on `Database::payments-prod`: `" + RULE + "` admits the "
        + "sponsor `Employee::alice` but not this delegation: delegation depth 2 exceeds the rule's `depth 1`"),
        s.subDelegated().decision().reasons(), "the denial says which rule stopped the chain, and why");

    // The tool calls: allow, deny (not delegated), drift -> revoke, deny (revoked), allow (sponsor).
    List<String> answers = s.calls().stream().map(c -> c.answer().answer().json()).toList();
    assertEquals(List.of("allow", "deny", "revoke", "deny", "allow"), answers);
    assertFalse(s.calls().get(1).answer().drift(), "describe is inside the intent: a plain deny, no drift");
    ActionAnswer drift = s.calls().get(2).answer();
    assertTrue(drift.drift());
    assertTrue(drift.reasons().get(0).contains("outside intent `investigate_db_incident`"), drift.reasons().toString());
    assertEquals(List.of(s.delegated().id()), drift.revoked(), "the agent's grant and everything under it");
    assertTrue(s.calls().get(3).answer().reasons().get(0).contains("revoked"));
    assertTrue(s.calls().stream().filter(c -> !c.answer().allowed()).allMatch(c -> c.output().isEmpty()),
        "a refused tool never runs");
    assertTrue(s.calls().stream().filter(c -> c.answer().allowed()).allMatch(c -> c.output().isPresent()));
    assertEquals(GrantState.Kind.ACTIVE, s.sponsorAfter().state().kind(), "the sponsor's grant is untouched");
    // The ticket closes: the task ends, and with it the sponsor's grant (the agent's is revoked already).
    assertEquals(List.of(s.approved().id()), s.taskEnded());
    assertEquals("task-ended", ((GrantState.Revoked) s.sponsorEnded().state()).reason());

    // The trail tells it in order, and its hash chain holds.
    assertTrue(s.verification().ok(), s.verification().problem());
    assertEquals(s.trail().size(), s.verification().records());
    List<String> events = s.trail().stream().map(r -> r.grant() + " " + r.event().type().json()).toList();
    String g1 = s.approved().id();
    String g2 = s.delegated().id();
    String g3 = s.subDelegated().id();
    assertEquals(List.of(
        g1 + " requested", g1 + " decided", g1 + " approved", g1 + " decided", g1 + " granted",
        g2 + " requested", g2 + " decided", g2 + " delegated", g2 + " granted",
        g3 + " requested", g3 + " decided",
        g2 + " action", g2 + " action",
        g2 + " drift", g2 + " revoked", g2 + " action",
        g2 + " action", g1 + " action",
        g1 + " revoked"), events);
    AuditRecord revoked = s.trail().stream().filter(r -> r.event().type().json().equals("revoked")).findFirst()
        .orElseThrow();
    assertEquals("drift", revoked.json().path("reason").asText());
    assertEquals(s.revision(), revoked.json().path("revision").asText(), "each record names the bundle revision");
    assertEquals("Employee::alice", revoked.json().path("chain").path(0).asText(), "and the human sponsor");
    AuditRecord ended = s.trail().get(s.trail().size() - 1);
    assertEquals("task-ended", ended.json().path("reason").asText());
    assertEquals("INC-4712 resolved", ended.json().path("detail").asText());
    assertEquals("INC-4712", ended.json().path("params").path("ticket").asText(), "the task it served");

    String printed = out.toString(StandardCharsets.UTF_8);
    assertTrue(printed.contains("trail verified: " + s.trail().size() + " records"), printed);
    assertTrue(printed.contains("DRIFT, revoked [" + g2 + "]"), printed);
  }

  /**
   * The README's quick start shows this story's output (abridged with `...` lines): every line it
   * shows is printed, in that order. The story's clock and ids are fixed, so the trail's head too.
   */
  @Test
  void theReadmeShowsWhatTheStoryPrints() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    story(out);
    List<String> printed = List.of(out.toString(StandardCharsets.UTF_8).split("\n"));
    String readme = Files.readString(Path.of("../../README.md"));
    int start = readme.indexOf("```\n== 1. ");
    assertTrue(start >= 0, "the README's quick start shows the story's output");
    String block = readme.substring(start + 4, readme.indexOf("```", start + 4));
    int at = 0;
    for (String line : block.split("\n")) {
      if (line.isBlank() || line.trim().equals("...")) {
        continue;
      }
      int found = -1;
      for (int i = at; i < printed.size(); i++) {
        if (printed.get(i).equals(line)) {
          found = i;
          break;
        }
      }
      assertTrue(found >= 0, "README line not printed (in this order): " + line + "\nprinted:\n" + String.join("\n", printed));
      at = found + 1;
    }
  }

  @Test
  void theTrailIsEvidence() throws Exception {
    story(new ByteArrayOutputStream());
    Path trail = dir.resolve("audit.jsonl");
    List<String> lines = Files.readAllLines(trail);
    // Rewrite history: the drifting call "was allowed".
    int drifting = 0;
    while (!lines.get(drifting).contains("\"answer\":\"revoke\"")) {
      drifting++;
    }
    lines.set(drifting, lines.get(drifting).replace("\"answer\":\"revoke\"", "\"answer\":\"allow\""));
    Files.write(trail, lines, StandardOpenOption.TRUNCATE_EXISTING);
    TrailVerifier.Result v = TrailVerifier.verify(trail);
    assertFalse(v.ok());
    assertEquals(drifting + 1, v.firstBadLine());
  }
}
