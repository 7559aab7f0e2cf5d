package dev.writ.engine.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.writ.engine.TestPolicies;
import dev.writ.engine.entity.EntityReader;
import dev.writ.engine.json.DataDocument;
import dev.writ.engine.json.DataException;
import dev.writ.engine.json.DataNode;
import dev.writ.engine.eval.EvaluationPlan;
import dev.writ.engine.request.RequestReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The JSON Schemas users give their editors (docs/schemas/, the one copy) agree with the readers:
 * every suite, entity file and request file of the repository validates against its schema,
 * the suites the Maven plugin's tests break on purpose do not, and documents the readers refuse
 * are refused by the schemas too.
 */
class DataSchemasTest {
  /** The repository: tests run in the engine module's directory. */
  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  private static final Path SCHEMAS = ROOT.resolve("docs/schemas");
  /** Suites broken on purpose by the Maven plugin's integration tests (what each must fail on). */
  private static final Map<String, String> BROKEN_SUITES = Map.of(
      "maven-plugin/src/it/unreadable-yaml/src/test/policy/broken_test.yaml", "malformed YAML",
      "maven-plugin/src/it/unreadable-yaml/src/test/policy/steps_test.yaml", "unknown step kind");

  private static final SchemaRegistry REGISTRY = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12,
      b -> b.schemas(iri -> iri.startsWith(SCHEMAS.toUri().toString()) ? read(Path.of(java.net.URI.create(iri))) : null));
  private static final Schema SUITE = schema("suite.schema.json");
  private static final Schema ENTITIES = schema("entities.schema.json");
  private static final Schema REQUEST = schema("request.schema.json");

  @TempDir
  Path dir;

  private static Schema schema(String name) {
    return REGISTRY.getSchema(SchemaLocation.of(SCHEMAS.resolve(name).toUri().toString()));
  }

  private static String read(Path p) {
    try {
      return Files.readString(p);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static List<Path> files(java.util.function.Predicate<Path> wanted) throws IOException {
    try (Stream<Path> walk = Files.walk(ROOT)) {
      return walk.filter(p -> {
        Path rel = ROOT.relativize(p);
        for (Path part : rel) {
          String n = part.toString();
          if (n.equals("target") || n.startsWith(".") || n.equals("node_modules")) {
            return false;
          }
        }
        return Files.isRegularFile(p) && wanted.test(p);
      }).sorted().toList();
    }
  }

  private static List<String> problems(Schema schema, String text, boolean json) {
    List<String> out = new ArrayList<>();
    try {
      for (Error e : schema.validate(text, json ? InputFormat.JSON : InputFormat.YAML)) {
        out.add(e.getInstanceLocation() + ": " + e.getMessage());
      }
    } catch (RuntimeException e) {
      out.add("unreadable: " + e.getMessage());
    }
    return out;
  }

  private static String rel(Path p) {
    return ROOT.relativize(p).toString().replace('\\', '/');
  }

  @Test
  void theSchemasAreDraft202012Schemas() {
    Schema meta = REGISTRY.getSchema(SchemaLocation.of("https://json-schema.org/draft/2020-12/schema"));
    for (String name : List.of("suite.schema.json", "entities.schema.json", "request.schema.json")) {
      assertEquals(List.of(), problems(meta, read(SCHEMAS.resolve(name)), true), name);
    }
    // And the meta-schema is no pushover: a schema with a mistyped keyword value is refused.
    assertFalse(problems(meta, "{\"type\": \"strin\"}", true).isEmpty());
  }

  @Test
  void everySuiteOfTheRepositoryValidates() throws IOException {
    List<Path> suites = files(SuiteReader::isSuite);
    assertTrue(suites.size() >= 20, "found the repository's suites: " + suites);
    Set<String> broken = new java.util.HashSet<>();
    for (Path s : suites) {
      List<String> problems = problems(SUITE, read(s), false);
      if (BROKEN_SUITES.containsKey(rel(s))) {
        assertFalse(problems.isEmpty(), rel(s) + " is broken on purpose, yet the schema accepts it");
        DataException e = assertThrows(DataException.class, () -> SuiteReader.read(s, ROOT));
        assertTrue(e.getMessage().contains(BROKEN_SUITES.get(rel(s))), e::getMessage);
        broken.add(rel(s));
      } else {
        assertEquals(List.of(), problems, rel(s));
      }
    }
    assertEquals(BROKEN_SUITES.keySet(), broken, "every suite broken on purpose was found");
  }

  @Test
  void everyEntityFileOfTheRepositoryValidates() throws IOException {
    List<Path> named = files(p -> p.getFileName().toString().equals("entities.yaml"));
    // And every file a suite names as its entities.
    List<Path> all = new ArrayList<>(named);
    for (Path s : files(SuiteReader::isSuite)) {
      if (BROKEN_SUITES.containsKey(rel(s))) {
        continue;
      }
      DataNode entities = SuiteReader.read(s, ROOT).entities();
      if (!entities.isMissing() && (entities.node().isTextual() || entities.node().isArray()
          && entities.node().size() > 0 && entities.node().get(0).isTextual())) {
        for (DataNode p : entities.elementsOrOne()) {
          Path f = s.getParent().resolve(p.string()).normalize();
          if (!all.contains(f)) {
            all.add(f);
          }
        }
      }
    }
    assertTrue(all.size() >= 15, "found the repository's entity files: " + all);
    for (Path f : all) {
      assertEquals(List.of(), problems(ENTITIES, read(f), f.toString().endsWith(".json")), rel(f));
    }
  }

  @Test
  void everyRequestFileOfTheRepositoryValidates() throws IOException {
    List<Path> requests = files(p -> p.startsWith(ROOT.resolve("examples/requests"))
        && p.getFileName().toString().matches(".*\\.(json|jsonl|yaml|yml)$"));
    int checked = 0;
    for (Path f : requests) {
      if (f.toString().endsWith(".jsonl")) {
        int line = 0;
        for (String l : Files.readAllLines(f)) {
          line++;
          if (!l.isBlank()) {
            assertEquals(List.of(), problems(REQUEST, l, true), rel(f) + ":" + line);
            checked++;
          }
        }
      } else {
        assertEquals(List.of(), problems(REQUEST, read(f), f.toString().endsWith(".json")), rel(f));
        checked++;
      }
    }
    assertTrue(checked >= 5, "found the example requests: " + requests);
  }

  /** docs/suites.md's complete suite runs, as written, against examples/ci-project, and validates. */
  @Test
  void theReferencesExampleSuitePassesAndValidates() throws IOException {
    String doc = read(ROOT.resolve("docs/suites.md"));
    int start = doc.indexOf("```yaml\nsuite: ");
    assertTrue(start >= 0, "docs/suites.md shows a complete suite");
    String suite = doc.substring(start + "```yaml\n".length(), doc.indexOf("```", start + 8));
    assertEquals(List.of(), problems(SUITE, suite, false));
    Path project = ROOT.resolve("examples/ci-project");
    Files.copy(project.resolve("src/test/policy/entities.yaml"), dir.resolve("entities.yaml"));
    Files.writeString(dir.resolve("doc_test.yaml"), suite);
    TestRun run = new FixtureRunner(project.resolve("src/main/policy"), null, Clock.systemUTC())
        .run(List.of(dir.resolve("doc_test.yaml")));
    assertEquals(3, run.total());
    assertTrue(run.ok(), () -> ConsoleReport.render(run, null));
  }

  // ---- what the readers refuse, the schemas refuse ------------------------------------------

  private static final String GOOD_SUITE = """
      suite: schema checks
      now: "2026-06-15T10:00:00Z"
      entities:
        - { uid: Employee::alice, attrs: { department: sre, mfa_enrolled: true }, parents: [Team::sre] }
        - { uid: Database::orders, attrs: { env: prod, classification: internal, tags: [] } }
      cases:
        - name: a case
          request: { principal: Employee::alice, actions: ["db:select"], resource: Database::orders,
                     intent: { name: investigate_incident, ticket: INC-4711 }, context: { mfa: true } }
          expect: permit
      scenarios:
        - name: a scenario
          steps:
            - request: { principal: Employee::alice, actions: ["db:select"], resource: Database::orders,
                         intent: { name: investigate_incident, ticket: INC-4711 }, context: { mfa: true } }
              as: g1
              expect: { decision: permit, ttl: 2h }
            - advance: 10m
            - act: { grant: g1, action: "db:select", resource: Database::orders }
              expect: allow
            - revoke: g1
              expect: { revoked: [g1] }
          audit:
            - { event: revoked, grant: g1, reason: manual }
      """;

  /** Runs a suite against the specification's example policies; the suite's one result per case. */
  private TestRun run(String suite) throws IOException {
    Files.createDirectories(dir.resolve("policy"));
    Files.writeString(dir.resolve("policy/prod.policy"), TestPolicies.resource("/spec/prod.policy"));
    Files.writeString(dir.resolve("x_test.yaml"), suite);
    return new FixtureRunner(dir.resolve("policy"), null, Clock.systemUTC()).run(List.of(dir.resolve("x_test.yaml")));
  }

  @Test
  void theGoodSuiteIsGoodForBoth() throws IOException {
    assertEquals(List.of(), problems(SUITE, GOOD_SUITE, false));
    TestRun run = run(GOOD_SUITE);
    assertTrue(run.ok(), () -> ConsoleReport.render(run, null));
  }

  @Test
  void suitesTheReaderRefusesTheSchemaRefuses() throws IOException {
    List<String> readerRefuses = List.of(
        GOOD_SUITE.replace("- advance: 10m", "- hurry: 10m"),                              // unknown step kind
        GOOD_SUITE.replace("- advance: 10m", "- advance: 10m\n        revoke: g1"),         // two kinds in one step
        GOOD_SUITE.replace("suite: schema checks", "suit: schema checks"),                  // unknown top-level field
        GOOD_SUITE.replace("  - name: a case\n", "  - nam: a case\n"));         // unknown case field
    for (String bad : readerRefuses) {
      assertNotEquals(GOOD_SUITE, bad);
      assertFalse(problems(SUITE, bad, false).isEmpty(), bad);
      Files.writeString(dir.resolve("bad_test.yaml"), bad);
      assertThrows(DataException.class, () -> SuiteReader.read(dir.resolve("bad_test.yaml"), dir), bad);
    }
    List<String> runnerRefuses = List.of(
        GOOD_SUITE.replace("advance: 10m", "advance: 15min"),                              // bad duration
        GOOD_SUITE.replace("expect: permit", "expect: granted"),                           // not a decision
        GOOD_SUITE.replace("expect: allow", "expect: permit"),                             // not an answer
        GOOD_SUITE.replace("expect: { decision: permit, ttl: 2h }", "expect: { decison: permit }"));
    for (String bad : runnerRefuses) {
      assertNotEquals(GOOD_SUITE, bad);
      assertFalse(problems(SUITE, bad, false).isEmpty(), bad);
      TestRun run = run(bad);
      assertEquals(1, run.errors(), () -> ConsoleReport.render(run, null));
    }
  }

  @Test
  void entitiesAndRequestsTheReadersRefuseTheSchemasRefuse() {
    EvaluationPlan plan = TestPolicies.plan(TestPolicies.resource("/spec/prod.policy"));
    EntityReader entities = new EntityReader(plan.schema());
    List<String> badEntities = List.of(
        "- { id: Employee::alice }",                                       // `uid`, not `id`
        "- { uid: alice }",                                                // no type
        "- { uid: Employee::alice, kind: person }",                        // not a kind
        "- { uid: Employee::alice, parent: [Team::sre] }",                 // `parents`
        "- { uid: Employee::alice, attrs: { department: 1.5 } }");         // decimals are no values
    for (String bad : badEntities) {
      assertFalse(problems(ENTITIES, bad, false).isEmpty(), bad);
      assertThrows(DataException.class,
          () -> entities.readList(DataNode.root(DataDocument.parse("e.yaml", bad, true))), bad);
    }
    RequestReader requests = new RequestReader(plan.schema());
    List<String> badRequests = List.of(
        "{ principal: Employee::alice, resource: Database::orders }",                        // no actions
        "{ principal: Employee::alice, actions: [], resource: Database::orders }",           // no action
        "{ principal: Employee::alice, actions: [db:select], resource: Database::orders, intnet: { name: x } }",
        "{ principal: Employee::alice, actions: [db:select], resource: Database::orders, duration: 90 }",
        "{ principal: Employee::alice, actions: [db:select], resource: Database::orders, time: yesterday }",
        "{ principal: Employee::alice, actions: [db:select], resource: Database::orders, intent: { ticket: 1 } }");
    for (String bad : badRequests) {
      assertFalse(problems(REQUEST, bad, false).isEmpty(), bad);
      assertThrows(DataException.class,
          () -> requests.request(DataNode.root(DataDocument.parse("r.yaml", bad, true))), bad);
    }
  }
}
