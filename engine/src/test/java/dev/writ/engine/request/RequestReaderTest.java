package dev.writ.engine.request;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.writ.engine.TestPolicies;
import dev.writ.engine.entity.EntityStore;
import dev.writ.engine.eval.Authorizer;
import dev.writ.engine.eval.BadRequestException;
import dev.writ.engine.eval.DecideOptions;
import dev.writ.engine.json.DataDocument;
import dev.writ.engine.json.DataException;
import dev.writ.engine.json.DataNode;
import dev.writ.engine.eval.EvaluationPlan;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Bad requests are refused with the file, line and field, never with a stack trace. */
class RequestReaderTest {
  private static final EvaluationPlan PLAN = TestPolicies.plan(TestPolicies.resource("/spec/prod.policy"));
  private static final EntityStore STORE = TestPolicies.entities(PLAN, """
      - { uid: Employee::alice, attrs: { department: sre, mfa_enrolled: true }, parents: [Team::sre] }
      - { uid: Database::orders, attrs: { env: prod, classification: internal, tags: [] } }
      """);

  private static DataException readError(String yaml) {
    RequestReader reader = new RequestReader(PLAN.schema());
    return assertThrows(DataException.class,
        () -> reader.request(DataNode.root(DataDocument.parse("req.yaml", yaml, true))));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "missing field | principal: Employee::alice\\nactions: [\"db:select\"] | req.yaml:1: missing field `resource`",
      "wrong type | principal: Employee::alice\\nactions: [\"db:select\"]\\nresource: 42 | req.yaml:3: resource: expected a string, got number `42`",
      "malformed duration | principal: Employee::alice\\nactions: [\"db:select\"]\\nresource: Database::orders\\nduration: 90 minutes | req.yaml:4: duration: invalid duration `90 minutes`",
      "malformed time | principal: Employee::alice\\nactions: [\"db:select\"]\\nresource: Database::orders\\ntime: yesterday | req.yaml:4: time: `yesterday` is not an ISO-8601 time",
      "unknown field | principal: Employee::alice\\nactoins: [\"db:select\"]\\nresource: Database::orders | req.yaml:2: actoins: unknown field `actoins`; did you mean `actions`?",
      "not an entity | principal: alice\\nactions: [\"db:select\"]\\nresource: Database::orders | req.yaml:1: principal: `alice` is not an entity",
      "malformed yaml | principal: [Employee::alice\\nactions: x | req.yaml:",
  })
  void malformedRequestsNameTheFileLineAndField(String what, String yaml, String expected) {
    DataException e = readError(yaml.replace("\\n", "\n"));
    String described = e.describe();
    assertEquals(true, described.startsWith(expected), what + ": " + described);
  }

  @Test
  void unknownEntitiesAndNonConcreteActionsAreBadRequests() {
    RequestReader reader = new RequestReader(PLAN.schema());
    Authorizer authorizer = new Authorizer(PLAN);
    String[][] cases = {
        {"principal: Employee::bob\nactions: [\"db:select\"]\nresource: Database::orders", "principal: unknown entity `Employee::bob`"},
        {"principal: Employee::alice\nactions: [\"db:read\"]\nresource: Database::orders", "actions[0]: `db:read` is an action group"},
        {"principal: Employee::alice\nactions: [\"db:*\"]\nresource: Database::orders", "actions[0]: `db:*` is a wildcard"},
        {"principal: Employee::alice\nactions: [\"db:selct\"]\nresource: Database::orders", "actions[0]: unknown action `db:selct`; did you mean `db:select`?"},
    };
    for (String[] c : cases) {
      AccessRequest r = reader.request(DataNode.root(DataDocument.parse("r.yaml", c[0], true)));
      BadRequestException e = assertThrows(BadRequestException.class,
          () -> authorizer.decide(r, STORE, DecideOptions.at(Instant.EPOCH)));
      assertEquals(true, e.getMessage().startsWith(c[1]), e.getMessage());
    }
  }
}
