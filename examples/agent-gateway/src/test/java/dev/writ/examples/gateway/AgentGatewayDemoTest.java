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

/** The example's story, asserted: decisions, tool-call answers, revocations and the trail. */
class AgentGatewayDemoTest {
  @TempDir
  Path dir;

  private AgentGatewayDemo.Story story(ByteArrayOutputStream out) throws Exception {
    return AgentGatewayDemo.run(dir, new PrintStream(out, true, StandardCharsets.UTF_8));
  }

  @Test
  void theIncidentStory() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    AgentGatewayDemo.Story s = story(out);

    // Restricted data: pending until a database owner approves; then two hours, not the three asked for.
    assertEquals(Outcome.PENDING, s.requested().decision().decision());
    assertEquals("Team::db-owners", s.requested().decision().pending().get(0).from().toString());
    assertEquals(Outcome.PERMIT, s.approved().decision().decision());
    assertEquals(2 * 3600L, s.approved().decision().ttlSeconds().orElseThrow());
    assertEquals(s.requested().id(), s.approved().id(), "the request keeps its id");

    // Delegation narrows: one action, thirty minutes, and the chain remembers who passed it on.
    assertEquals(Outcome.PERMIT, s.delegated().decision().decision());
    assertEquals(List.of("db:select"), s.delegated().grant().orElseThrow().actions());
    assertEquals(30 * 60L, s.delegated().decision().ttlSeconds().orElseThrow());
    assertEquals(Outcome.PERMIT, s.subDelegated().decision().decision());
    assertEquals(List.of(AgentGatewayDemo.ALICE, AgentGatewayDemo.TRIAGE_BOT),
        s.subDelegated().grant().orElseThrow().chain());

    // The tool calls: allow, deny (not delegated), allow, drift -> revoke (tree), deny (revoked), allow (sponsor).
    List<String> answers = s.calls().stream().map(c -> c.answer().answer()).toList();
    assertEquals(List.of("allow", "deny", "allow", "revoke", "deny", "allow"), answers);
    ActionAnswer drift = s.calls().get(3).answer();
    assertTrue(drift.drift());
    assertEquals(List.of(s.delegated().id(), s.subDelegated().id()), drift.revoked());
    assertFalse(s.calls().get(1).answer().drift(), "describe is inside the intent: a plain deny, no drift");
    assertTrue(s.calls().stream().filter(c -> !c.answer().allowed()).allMatch(c -> c.output().isEmpty()),
        "a refused tool never runs");
    assertEquals(GrantState.Kind.ACTIVE, s.sponsorAfter().state().kind(), "the sponsor's grant is untouched");

    // The trail tells it in order, and its hash chain holds.
    assertTrue(s.verification().ok(), s.verification().problem());
    assertEquals(s.trail().size(), s.verification().records());
    List<String> revocations = s.trail().stream().filter(r -> r.event().type().json().equals("revoked"))
        .map(r -> r.grant() + ":" + r.json().path("reason").asText()).toList();
    assertEquals(List.of(s.delegated().id() + ":drift", s.subDelegated().id() + ":cascade"), revocations);
    AuditRecord driftEvent = s.trail().stream().filter(r -> r.event().type().json().equals("drift")).findFirst()
        .orElseThrow();
    assertTrue(driftEvent.seq() < s.trail().stream().filter(r -> r.event().type().json().equals("revoked"))
        .findFirst().orElseThrow().seq(), "drift is recorded before what it causes");

    String printed = out.toString(StandardCharsets.UTF_8);
    assertTrue(printed.contains("trail verified: " + s.trail().size() + " records"), printed);
    assertTrue(printed.contains("DRIFT, revoked [" + s.delegated().id() + ", " + s.subDelegated().id() + "]"), printed);
  }

  @Test
  void theTrailIsEvidence() throws Exception {
    story(new ByteArrayOutputStream());
    Path trail = dir.resolve("audit.jsonl");
    List<String> lines = Files.readAllLines(trail);
    // Rewrite history: the drifting call "was allowed".
    String tampered = lines.get(19).replace("\"answer\":\"revoke\"", "\"answer\":\"allow\"");
    assertFalse(tampered.equals(lines.get(19)), lines.get(19));
    lines.set(19, tampered);
    Files.write(trail, lines, StandardOpenOption.TRUNCATE_EXISTING);
    TrailVerifier.Result v = TrailVerifier.verify(trail);
    assertFalse(v.ok());
    assertEquals(20, v.firstBadLine());
  }
}
