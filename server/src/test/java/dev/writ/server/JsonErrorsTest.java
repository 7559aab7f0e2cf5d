package dev.writ.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.writ.engine.eval.BadRequestException;
import dev.writ.engine.grant.GrantException;
import dev.writ.engine.json.DataException;
import org.junit.jupiter.api.Test;

/** Where an engine error message says the problem is. */
class JsonErrorsTest {
  @Test
  void fieldPathsFromMessages() {
    assertEquals("principal", JsonErrors.fieldOf("principal: unknown entity `Employee::bob`", "body"));
    assertEquals("actions[0]", JsonErrors.fieldOf("actions[0]: expected a string, got number `1`", "body"));
    assertEquals("approvals[1].by", JsonErrors.fieldOf("approvals[1].by: unknown entity `E::x`", "body"));
    assertEquals("intent.name", JsonErrors.fieldOf("intent: missing field `name`", "body"));
    assertEquals("principal", JsonErrors.fieldOf("missing field `principal`", "body"));
    assertEquals("body", JsonErrors.fieldOf("document: expected a mapping (`key: value`), got a list", "body"));
    assertEquals("entities[0].attrs.department",
        JsonErrors.fieldOf("`Employee::x`: entities[0].attrs.department: expected a String", "body"));
    assertEquals("body", JsonErrors.fieldOf("the policy says no", "body"));
    assertEquals("context.source-ip", JsonErrors.fieldOf("context.source-ip: expected a string", "body"));
  }

  @Test
  void statusesByKind() {
    assertEquals(404, JsonErrors.fromInput(new GrantException(GrantException.Kind.NOT_FOUND, "x"), "").status());
    assertEquals(409, JsonErrors.fromInput(new GrantException(GrantException.Kind.CONFLICT, "x"), "").status());
    ApiException bad = JsonErrors.fromInput(new GrantException(GrantException.Kind.BAD_REQUEST, "by: unknown"), "");
    assertEquals(400, bad.status());
    assertEquals("by", bad.at());
    assertEquals("requests[2].principal",
        JsonErrors.fromInput(new BadRequestException("principal", "unknown entity `E::x`"), "requests[2]").at());
    assertEquals("body", JsonErrors.fromInput(new DataException("body:1", "malformed JSON: nope"), "").at());
  }
}
