package dev.writ.server.authzen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.writ.engine.compile.CompiledPolicies;
import dev.writ.engine.entity.EntityReader;
import dev.writ.engine.entity.EntityStore;
import dev.writ.engine.eval.Authorizer;
import dev.writ.engine.eval.BadRequestException;
import dev.writ.engine.eval.DecideOptions;
import dev.writ.engine.json.DataDocument;
import dev.writ.engine.json.DataException;
import dev.writ.engine.json.DataNode;
import dev.writ.engine.eval.EvaluationPlan;
import dev.writ.engine.request.AccessRequest;
import dev.writ.engine.request.RequestReader;
import dev.writ.engine.value.EntityUid;
import dev.writ.engine.value.Value;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The AuthZEN mapping on the test policies (server/src/test/resources): request shapes,
 * defaults and overrides, semantics, properties merged over stored entities, the answer's form.
 */
class AuthzenTest {
  private static final EvaluationPlan PLAN;
  private static final EntityStore ENTITIES;
  private static final Authorizer AUTHORIZER;
  private static final Instant NOW = Instant.parse("2026-06-15T10:00:00Z");

  static {
    try {
      Path policies = Path.of(AuthzenTest.class.getResource("/policies").toURI());
      PLAN = EvaluationPlan.of(CompiledPolicies.fromDirectory(policies).plan().orElseThrow());
      ENTITIES = new EntityReader(PLAN.schema()).readFiles(List.of(policies.resolveSibling("entities.yaml")));
      AUTHORIZER = new Authorizer(PLAN);
    } catch (URISyntaxException e) {
      throw new AssertionError(e);
    }
  }

  private final List<AccessRequest> decided = new ArrayList<>();
  private final Authzen authzen = new Authzen(new RequestReader(PLAN.schema()), new EntityReader(PLAN.schema()), ENTITIES);

  private Authzen.Decider decider() {
    return (r, entities) -> {
      decided.add(r);
      return AUTHORIZER.decide(r, entities, DecideOptions.at(NOW));
    };
  }

  private static final Authzen.Problems PROBLEMS = e -> new Authzen.Problem(400, e.getMessage(),
      e instanceof BadRequestException b ? b.field() : "body");

  private static DataNode json(String text) {
    return DataNode.root(DataDocument.parseStrictJson("body", text.replace('\'', '"')));
  }

  private static final String INCIDENT = "'intent': {'name': 'investigate_incident', 'ticket': 'INC-1'}";

  private static String eval(String subject, String action, String resource, String context) {
    return "{'subject': " + subject + ", 'action': {'name': '" + action + "'}, 'resource': " + resource
        + (context == null ? "" : ", 'context': " + context) + "}";
  }

  @Test
  void subjectActionResourceAndContextMapOntoAnAccessRequest() {
    ObjectNode answer = authzen.evaluation(json(eval("{'type': 'Employee', 'id': 'alice'}", "db:select",
        "{'type': 'Database', 'id': 'metrics'}", "{'mfa': true, " + INCIDENT + ", 'ip': '10.0.0.1'}")), decider());
    AccessRequest r = decided.get(0);
    assertEquals(new EntityUid("Employee", "alice"), r.principal());
    assertEquals(List.of("db:select"), r.actions());
    assertEquals(new EntityUid("Database", "metrics"), r.resource());
    assertEquals("investigate_incident", r.intent().orElseThrow().name());
    assertEquals(Map.of("ticket", new Value.Str("INC-1")), r.intent().orElseThrow().params());
    // the intent is taken out of the context; everything else stays
    assertEquals(Map.of("mfa", Value.Bool.TRUE, "ip", new Value.Str("10.0.0.1")), r.context().fields());
    assertTrue(answer.get("decision").asBoolean(), answer.toString());
    JsonNode c = answer.get("context");
    assertEquals("permit", c.get("outcome").asText());
    assertEquals("acme.prod.prod_db_incident_read", c.get("policies").get(0).asText());
    assertEquals("notify", c.get("obligations").get(0).get("name").asText());
    assertEquals("2h", c.get("ttl").asText());
  }

  @Test
  void pendingIsFalseWithTheApprovalsItWaitsFor() {
    ObjectNode answer = authzen.evaluation(json(eval("{'type': 'Employee', 'id': 'alice'}", "db:select",
        "{'type': 'Database', 'id': 'orders'}", "{'mfa': true, " + INCIDENT + "}")), decider());
    assertFalse(answer.get("decision").asBoolean());
    JsonNode c = answer.get("context");
    assertEquals("pending", c.get("outcome").asText());
    assertEquals("Team::db-owners", c.get("pending").get(0).get("from").asText());
    assertEquals(1, c.get("pending").get(0).get("missing").asInt());
  }

  @Test
  void denyIsFalseWithItsReasons() {
    ObjectNode answer = authzen.evaluation(json(eval("{'type': 'Assistant', 'id': 'helper'}", "db:insert",
        "{'type': 'Database', 'id': 'orders'}", null)), decider());
    assertFalse(answer.get("decision").asBoolean());
    assertEquals("deny", answer.get("context").get("outcome").asText());
    assertEquals("acme.prod.agents_never_write_prod", answer.get("context").get("forbids").get(0).asText());
    assertFalse(answer.get("context").get("reasons").isEmpty());
  }

  @Test
  void resourcePropertiesMergeOverTheStoredEntity() {
    // Database::staging is `env: staging`; with `env: prod` for this call the grant applies. Its stored
    // classification stays (a replaced entity would have none, and the approval condition would fail).
    String ctx = "{'mfa': true, " + INCIDENT + "}";
    ObjectNode plain = authzen.evaluation(json(eval("{'type': 'Employee', 'id': 'alice'}", "db:select",
        "{'type': 'Database', 'id': 'staging'}", ctx)), decider());
    assertFalse(plain.get("decision").asBoolean(), plain.toString());
    ObjectNode merged = authzen.evaluation(json(eval("{'type': 'Employee', 'id': 'alice'}", "db:select",
        "{'type': 'Database', 'id': 'staging', 'properties': {'env': 'prod'}}", ctx)), decider());
    assertTrue(merged.get("decision").asBoolean(), merged.toString());
    assertEquals(List.of(), merged.get("context").get("errors").findValuesAsText("message"));
    // the stored entity is not changed by a call
    assertEquals(new Value.Str("staging"), ENTITIES.get(new EntityUid("Database", "staging")).attributes().get("env"));
  }

  @Test
  void subjectPropertiesAreTypedByTheSchemaAndKeepTheStoredParents() {
    DataException e = assertThrows(DataException.class, () -> authzen.evaluation(json(eval(
        "{'type': 'Employee', 'id': 'alice', 'properties': {'mfa_enrolled': 'yes'}}", "db:select",
        "{'type': 'Database', 'id': 'metrics'}", null)), decider()));
    assertTrue(e.getMessage().contains("subject.properties.mfa_enrolled"), e.getMessage());
    // alice's team comes from the stored entity: with a changed department she is still in Team::sre
    ObjectNode answer = authzen.evaluation(json(eval(
        "{'type': 'Employee', 'id': 'alice', 'properties': {'department': 'finance'}}", "db:select",
        "{'type': 'Database', 'id': 'metrics'}", "{'mfa': true, " + INCIDENT + "}")), decider());
    assertTrue(answer.get("decision").asBoolean(), answer.toString());
  }

  @Test
  void engineRefusalsNameTheAuthzenMember() {
    BadRequestException e = assertThrows(BadRequestException.class, () -> authzen.evaluation(json(eval(
        "{'type': 'Employee', 'id': 'nobody'}", "db:select", "{'type': 'Database', 'id': 'metrics'}", null)), decider()));
    assertEquals("subject", e.field());
    assertEquals("subject: unknown entity `Employee::nobody`", e.getMessage());
    BadRequestException a = assertThrows(BadRequestException.class, () -> authzen.evaluation(json(eval(
        "{'type': 'Employee', 'id': 'alice'}", "db:read", "{'type': 'Database', 'id': 'metrics'}", null)), decider()));
    assertEquals("action.name", a.field());
  }

  @Test
  void shapeErrorsAreRefusedWithTheFieldAndUnknownMembersIgnored() {
    for (String[] c : new String[][] {
        {"{'action': {'name': 'x'}, 'resource': {'type': 'Database', 'id': 'metrics'}}", "missing field `subject`"},
        {"{'subject': {'type': 'Employee'}, 'action': {'name': 'x'}, 'resource': {'type': 'D', 'id': 'm'}}",
            "subject: missing field `id`"},
        {"{'subject': {'type': 'Employee', 'id': 7}, 'action': {'name': 'x'}, 'resource': {'type': 'D', 'id': 'm'}}",
            "subject.id: expected a string"},
        {"{'subject': {'type': 'E', 'id': 'a'}, 'action': 'read', 'resource': {'type': 'D', 'id': 'm'}}",
            "action: expected an object"},
        {"{'subject': {'type': 'E', 'id': 'a'}, 'action': {'name': ''}, 'resource': {'type': 'D', 'id': 'm'}}",
            "action.name: cannot be empty"},
        {"{'subject': {'type': 'E', 'id': 'a'}, 'action': {'name': 'r'}, 'resource': {'type': 'D', 'id': 'm'}, 'context': []}",
            "context: expected an object"},
    }) {
      DataException e = assertThrows(DataException.class, () -> authzen.evaluation(json(c[0]), decider()), c[0]);
      assertTrue(e.getMessage().contains(c[1]), c[0] + " -> " + e.getMessage());
    }
    ObjectNode answer = authzen.evaluation(json("{'subject': {'type': 'Employee', 'id': 'alice', 'extra': 1}, "
        + "'action': {'name': 'db:select', 'properties': {'method': 'GET'}}, 'resource': {'type': 'Database', "
        + "'id': 'metrics'}, 'future_member': {}}"), decider());
    assertEquals("deny", answer.get("context").get("outcome").asText()); // decided (no mfa), not refused
  }

  private static final String BATCH = "{'subject': {'type': 'Employee', 'id': 'alice'}, 'action': {'name': 'db:select'},"
      + " 'context': {'mfa': true, " + INCIDENT + "}, %s 'evaluations': ["
      + "{'resource': {'type': 'Database', 'id': 'metrics'}},"
      + "{'resource': {'type': 'Database', 'id': 'staging'}},"
      + "{'action': {'name': 'db:describe'}, 'resource': {'type': 'Database', 'id': 'metrics'}}]}";

  private List<Boolean> decisions(ObjectNode out) {
    List<Boolean> list = new ArrayList<>();
    out.get("evaluations").forEach(e -> list.add(e.get("decision").asBoolean()));
    return list;
  }

  @Test
  void batchDefaultsAreOverriddenPerEvaluation() {
    ObjectNode out = authzen.evaluations(json(String.format(BATCH, "")), decider(), PROBLEMS);
    assertEquals(List.of(true, false, true), decisions(out));
    assertEquals(List.of("db:select"), decided.get(0).actions());
    assertEquals(List.of("db:describe"), decided.get(2).actions());
    assertEquals(new EntityUid("Employee", "alice"), decided.get(2).principal());
    // an evaluation's own context replaces the default
    ObjectNode own = authzen.evaluations(json("{'subject': {'type': 'Employee', 'id': 'alice'}, 'action': "
        + "{'name': 'db:select'}, 'context': {'mfa': true, " + INCIDENT + "}, 'evaluations': [{'resource': {'type': "
        + "'Database', 'id': 'metrics'}, 'context': {'mfa': false, " + INCIDENT + "}}]}"), decider(), PROBLEMS);
    assertEquals(List.of(false), decisions(own));
  }

  @Test
  void semanticsStopWhereTheSpecificationSays() {
    assertEquals(List.of(true, false, true), decisions(authzen.evaluations(json(String.format(BATCH,
        "'options': {'evaluations_semantic': 'execute_all'},")), decider(), PROBLEMS)));
    assertEquals(List.of(true, false), decisions(authzen.evaluations(json(String.format(BATCH,
        "'options': {'evaluations_semantic': 'deny_on_first_deny'},")), decider(), PROBLEMS)));
    assertEquals(List.of(true), decisions(authzen.evaluations(json(String.format(BATCH,
        "'options': {'evaluations_semantic': 'permit_on_first_permit'},")), decider(), PROBLEMS)));
    assertEquals(1, decided.size() - 5, "permit_on_first_permit decides only until the first permit");
    DataException e = assertThrows(DataException.class, () -> authzen.evaluations(json(String.format(BATCH,
        "'options': {'evaluations_semantic': 'first'},")), decider(), PROBLEMS));
    assertTrue(e.getMessage().startsWith("options.evaluations_semantic: `first` is not an evaluations semantic"),
        e.getMessage());
  }

  @Test
  void anEvaluationThatCannotBeDecidedIsFalseWithItsErrorAndTheOthersStillAnswer() {
    ObjectNode out = authzen.evaluations(json("{'action': {'name': 'db:select'}, 'context': {'mfa': true, " + INCIDENT
        + "}, 'evaluations': [{'subject': {'type': 'Employee', 'id': 'ghost'}, 'resource': {'type': 'Database', 'id': "
        + "'metrics'}}, {'subject': {'type': 'Employee', 'id': 'alice'}, 'resource': {'type': 'Database', 'id': "
        + "'metrics'}}]}"), decider(), PROBLEMS);
    assertEquals(List.of(false, true), decisions(out));
    JsonNode error = out.get("evaluations").get(0).get("context").get("error");
    assertEquals(400, error.get("status").asInt());
    assertEquals("evaluations[0].subject", error.get("at").asText());
    assertEquals("evaluations[0].subject: unknown entity `Employee::ghost`", error.get("message").asText());
    // deny_on_first_deny stops at an error, as at a deny
    ObjectNode stopped = authzen.evaluations(json("{'action': {'name': 'db:select'}, 'options': {'evaluations_semantic':"
        + " 'deny_on_first_deny'}, 'evaluations': [{'subject': {'type': 'Employee', 'id': 'ghost'}, 'resource': "
        + "{'type': 'Database', 'id': 'metrics'}}, {'subject': {'type': 'Employee', 'id': 'alice'}, 'resource': "
        + "{'type': 'Database', 'id': 'metrics'}}]}"), decider(), PROBLEMS);
    assertEquals(List.of(false), decisions(stopped));
  }

  @Test
  void aMissingMemberWithoutADefaultRefusesTheWholeBatch() {
    DataException e = assertThrows(DataException.class, () -> authzen.evaluations(json("{'action': {'name': 'r'}, "
        + "'evaluations': [{'subject': {'type': 'E', 'id': 'a'}, 'resource': {'type': 'D', 'id': 'm'}}, "
        + "{'resource': {'type': 'D', 'id': 'm'}}]}"), decider(), PROBLEMS));
    assertTrue(e.getMessage().startsWith("evaluations[1].subject: missing field `subject`"), e.getMessage());
    assertEquals(java.util.Optional.of("evaluations[1].subject"), e.field(), "the error is at the missing member");
    assertTrue(decided.isEmpty(), "nothing is decided when the payload is malformed");
  }

  @Test
  void withoutEvaluationsTheBatchIsOneEvaluation() {
    ObjectNode out = authzen.evaluations(json(eval("{'type': 'Employee', 'id': 'alice'}", "db:select",
        "{'type': 'Database', 'id': 'metrics'}", "{'mfa': true, " + INCIDENT + "}").replaceFirst("\\}$",
        ", 'evaluations': []}")), decider(), PROBLEMS);
    assertTrue(out.get("decision").asBoolean(), out.toString());
    assertFalse(out.has("evaluations"));
  }

  /**
   * For any outcomes: {@code execute_all} answers every evaluation in order; the short-circuiting
   * semantics answer the prefix up to and including the first false (deny, pending) or true
   * (permit), and decide nothing after it.
   */
  @Test
  void semanticsAnswerThePrefixUpToTheFirstStop() {
    org.quicktheories.QuickTheory.qt().forAll(
        org.quicktheories.generators.SourceDSL.lists().of(
            org.quicktheories.generators.Generate.enumValues(dev.writ.engine.decision.Outcome.class)).ofSizeBetween(1, 12),
        org.quicktheories.generators.Generate.enumValues(Semantic.class))
        .checkAssert((outcomes, semantic) -> {
          StringBuilder items = new StringBuilder();
          for (int i = 0; i < outcomes.size(); i++) {
            items.append(i == 0 ? "" : ",").append("{\"resource\": {\"type\": \"Database\", \"id\": \"").append(i)
                .append("\"}}");
          }
          List<Integer> asked = new ArrayList<>();
          Authzen.Decider byIndex = (r, entities) -> {
            int i = Integer.parseInt(r.resource().id());
            asked.add(i);
            dev.writ.engine.decision.Outcome o = outcomes.get(i);
            return new dev.writ.engine.decision.Decision(o, java.util.Optional.empty(), false, List.of(), List.of(),
                List.of(), List.of(), Map.of("db:select", o), List.of(), List.of(), java.util.Optional.empty());
          };
          ObjectNode out = authzen.evaluations(json("{\"subject\": {\"type\": \"Employee\", \"id\": \"alice\"}, "
              + "\"action\": {\"name\": \"db:select\"}, \"options\": {\"evaluations_semantic\": \"" + semantic.json()
              + "\"}, \"evaluations\": [" + items + "]}"), byIndex, PROBLEMS);
          int end = outcomes.size();
          for (int i = 0; i < outcomes.size() && end == outcomes.size(); i++) {
            boolean permit = outcomes.get(i) == dev.writ.engine.decision.Outcome.PERMIT;
            if ((semantic == Semantic.DENY_ON_FIRST_DENY && !permit)
                || (semantic == Semantic.PERMIT_ON_FIRST_PERMIT && permit)) {
              end = i + 1;
            }
          }
          List<Boolean> expected = new ArrayList<>();
          for (int i = 0; i < end; i++) {
            expected.add(outcomes.get(i) == dev.writ.engine.decision.Outcome.PERMIT);
          }
          assertEquals(expected, decisions(out));
          assertEquals(end, asked.size(), "nothing is decided after the stop");
          for (int i = 0; i < end; i++) {
            assertEquals(outcomes.get(i).json(), out.get("evaluations").get(i).get("context").get("outcome").asText());
          }
        });
  }

  @Test
  void metadataNamesTheEvaluationEndpointsOnly() {
    ObjectNode m = Authzen.metadata("https://pdp.example.com");
    assertEquals("https://pdp.example.com", m.get("policy_decision_point").asText());
    assertEquals("https://pdp.example.com/access/v1/evaluation", m.get("access_evaluation_endpoint").asText());
    assertEquals("https://pdp.example.com/access/v1/evaluations", m.get("access_evaluations_endpoint").asText());
    assertEquals(3, m.size());
  }
}
