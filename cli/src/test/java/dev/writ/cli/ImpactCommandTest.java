package dev.writ.cli;

import static dev.writ.cli.CliTest.writ;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.writ.engine.compile.PlanCompiler;
import dev.writ.engine.entity.EntityReader;
import dev.writ.engine.entity.EntityStore;
import dev.writ.engine.eval.Authorizer;
import dev.writ.engine.eval.EvaluationPlan;
import dev.writ.engine.grant.EventSourcedGrantStore;
import dev.writ.engine.grant.GrantRuntime;
import dev.writ.engine.grant.PolicyContext;
import dev.writ.engine.request.AccessRequest;
import dev.writ.engine.testing.MutableClock;
import dev.writ.engine.value.EntityUid;
import dev.writ.engine.value.Value;
import dev.writ.language.Frontend;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code writ impact} and {@code writ inventory} as a user runs them, on the old and new
 * policies of the engine's impact fixtures ({@code engine/src/test/resources/impact}).
 */
class ImpactCommandTest {
  static final Path FIXTURES = Path.of("../engine/src/test/resources/impact");

  @TempDir
  Path dir;

  static String p(String name) {
    Path f = FIXTURES.resolve(name);
    assertTrue(Files.exists(f), "missing fixture " + f.toAbsolutePath());
    return f.toString();
  }

  static String[] impact(String... extra) {
    String[] base = {"impact", "--old", p("old"), "--new", p("new")};
    String[] all = new String[base.length + extra.length];
    System.arraycopy(base, 0, all, 0, base.length);
    System.arraycopy(extra, 0, all, base.length, extra.length);
    return all;
  }

  @Test
  void aRequestFileReportsEveryChangeAndFailsOnWideningWhenAsked() {
    CliTest.Run r = writ(impact("--requests", p("requests.jsonl"), "--entities", p("entities.yaml")));
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().startsWith("7 requests replayed: 5 changed (1 widened, 3 narrowed, 1 other)"), r.out());
    assertTrue(r.out().contains("WIDENED  " + p("requests.jsonl") + ":1\n  Employee::frank db:select on "
        + "Database::orders\n  decision: deny -> permit\n  rules: started gov.dba_standing_read\n"), r.out());

    CliTest.Run failing = writ(impact("--requests", p("requests.jsonl"), "--entities", p("entities.yaml"),
        "--fail-on", "widen"));
    assertEquals(1, failing.code());
    assertEquals(r.out(), failing.out());
  }

  @Test
  void jsonForTools() throws IOException {
    CliTest.Run r = writ(impact("--requests", p("requests.jsonl"), "--entities", p("entities.yaml"), "--format",
        "json"));
    assertEquals(0, r.code(), r.err());
    JsonNode j = new ObjectMapper().readTree(r.out());
    assertEquals(5, j.get("changed").asInt());
    assertEquals("widened", j.get("changes").get(0).get("directions").get(0).asText());
  }

  @Test
  void suitesAndANoChangeRun() {
    CliTest.Run r = writ(impact("--tests", p("suites"), "--fail-on", "widen"));
    assertEquals(1, r.code(), r.out() + r.err());
    assertTrue(r.out().contains("impact_test.yaml: a DBA reads production without a task"), r.out());

    CliTest.Run same = writ("impact", "--old", p("old"), "--new", p("old"), "--tests", p("suites"), "--fail-on", "any");
    assertEquals(0, same.code(), same.out() + same.err());
    assertEquals("No change: 3 requests replayed, every one decided the same by the old and the new policies.\n",
        same.out());
  }

  @Test
  void aBundleAsTheBaseline() {
    Path bundle = dir.resolve("old.wbundle");
    assertEquals(0, writ("bundle", p("old"), "-o", bundle.toString()).code());
    CliTest.Run r = writ("impact", "--old", bundle.toString(), "--new", p("new"), "--tests", p("suites"));
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().startsWith("3 requests replayed: 2 changed (1 widened, 1 narrowed, 0 other)"), r.out());
  }

  @Test
  void aTrailOfTheRunningServiceAndADamagedOne() throws IOException {
    EvaluationPlan old = PlanCompiler.compile(Frontend.checkDirectory(Path.of(p("old"))).bundle().orElseThrow());
    EntityStore entities = new EntityReader(old.schema()).readFiles(List.of(Path.of(p("entities.yaml"))));
    Path data = dir.resolve("data");
    try (EventSourcedGrantStore store = EventSourcedGrantStore.open(data)) {
      GrantRuntime rt = new GrantRuntime(store, new MutableClock(Instant.parse("2026-06-15T10:00:00Z")),
          new PolicyContext(new Authorizer(old), entities, "old"));
      rt.request(new AccessRequest(EntityUid.parse("Employee::bob"), List.of("db:select"),
          EntityUid.parse("Database::payroll"), Optional.of(new AccessRequest.IntentRef("investigate_incident",
          Map.of("ticket", new Value.Str("INC-1")))), Optional.empty(), List.of(), List.of(), Value.RecordV.EMPTY,
          Optional.empty(), List.of()));
      // Read while the store holds the trail open (and locked), as an operator would with a live service.
      CliTest.Run r = writ(impact("--trail", data.resolve("audit.jsonl").toString(), "--entities",
          p("entities.yaml")));
      assertEquals(0, r.code(), r.err());
      assertTrue(r.out().contains("Would be revoked by this change (1 grant active at the end of the trail):"),
          r.out());
    }
    Path tampered = dir.resolve("tampered.jsonl");
    Files.writeString(tampered, Files.readString(data.resolve("audit.jsonl")).replace("INC-1", "INC-2"));
    CliTest.Run bad = writ(impact("--trail", tampered.toString(), "--entities", p("entities.yaml")));
    assertEquals(2, bad.code());
    assertTrue(bad.err().startsWith("writ: the audit trail " + tampered + " is damaged at line 1"), bad.err());
    assertEquals("", bad.out());
  }

  @Test
  void usageMistakesExitTwo() {
    CliTest.Run r = writ(impact("--tests", p("suites"), "--fail-on", "narrow"));
    assertEquals(2, r.code());
    assertEquals("writ: --fail-on: expected `widen` or `any`, not `narrow`\n", r.err());
    CliTest.Run missing = writ("impact", "--old", dir.resolve("nope").toString(), "--new", p("new"), "--tests",
        p("suites"));
    assertEquals(2, missing.code());
    assertTrue(missing.err().contains("--old: " + dir.resolve("nope") + ": no such file or directory"), missing.err());
    CliTest.Run badLine = writ(impact("--requests", p("entities.yaml")));
    assertEquals(2, badLine.code());
    assertTrue(badLine.err().startsWith("writ: " + p("entities.yaml") + ":1"), badLine.err());
  }

  @Test
  void inventoryListsStandingAccessByKind() throws IOException {
    CliTest.Run r = writ("inventory", "--policies", p("new"), "--entities", p("entities.yaml"));
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().startsWith("Standing privilege: 1 of 10 principals can act without a just-in-time grant, "
        + "through 1 rule\n"), r.out());
    assertTrue(r.out().contains("  Employee::frank\n    rule gov.dba_standing_read ("), r.out());
    assertTrue(r.out().contains("      standing: no reason given\n"), r.out());
    JsonNode j = new ObjectMapper().readTree(writ("inventory", "--policies", p("new"), "--entities",
        p("entities.yaml"), "--format", "json").out());
    assertEquals("human", j.get("principals").get(0).get("kind").asText());
  }
}
