package dev.writ.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.writ.engine.eval.BadRequestException;
import dev.writ.engine.grant.GrantException;
import dev.writ.engine.json.DataDocument;
import dev.writ.engine.json.DataException;
import dev.writ.engine.json.DataNode;
import org.junit.jupiter.api.Test;

/** Where the API says an engine error is: the field path the error carries, never one parsed from its message. */
class JsonErrorsTest {
  private static DataNode body(String json) {
    return DataNode.root(DataDocument.parse("body", json, false));
  }

  private static String at(Runnable failing) {
    DataException e = assertThrows(DataException.class, failing::run);
    return JsonErrors.fromInput(e, "").at();
  }

  @Test
  void fieldPathsOfDataErrors() {
    assertEquals("principal", at(() -> body("{}").required("principal")));
    assertEquals("intent.name", at(() -> body("{\"intent\": {}}").field("intent").required("name")));
    assertEquals("actions[0]", at(() -> body("{\"actions\": [1]}").field("actions").element(0).string()));
    assertEquals("approvals[1].by",
        at(() -> body("{\"approvals\": [{}, {\"by\": 3}]}").field("approvals").element(1).field("by").entity()));
    assertEquals("context.source-ip",
        at(() -> body("{\"context\": {\"source-ip\": []}}").field("context").field("source-ip").string()));
    assertEquals("body", at(() -> body("[]").requireObject()));
    assertEquals("colour", at(() -> body("{\"colour\": 1}").onlyFields(java.util.Set.of("color"))));
    DataException attr = assertThrows(DataException.class,
        () -> body("{\"entities\": [{\"attrs\": {\"department\": 1}}]}").field("entities").element(0).field("attrs")
            .field("department").string());
    DataException prefixed = attr.prefixed("`Employee::x`: ");
    assertEquals("entities[0].attrs.department", JsonErrors.fromInput(prefixed, "").at());
    assertEquals("`Employee::x`: entities[0].attrs.department: expected a string, got number `1`",
        prefixed.getMessage());
    assertEquals("requests[2].principal", JsonErrors.fromInput(
        assertThrows(DataException.class, () -> body("{}").required("principal")), "requests[2]").at());
  }

  @Test
  void statusesByKind() {
    assertEquals(404, JsonErrors.fromInput(GrantException.notFound("x"), "").status());
    assertEquals("id", JsonErrors.fromInput(GrantException.notFound("x"), "").at());
    assertEquals(409, JsonErrors.fromInput(GrantException.conflict("x"), "").status());
    ApiException bad = JsonErrors.fromInput(GrantException.badRequest("by", "unknown"), "");
    assertEquals(400, bad.status());
    assertEquals("by", bad.at());
    assertEquals("by: unknown", bad.getMessage());
    assertEquals("requests[2].principal",
        JsonErrors.fromInput(new BadRequestException("principal", "unknown entity `E::x`"), "requests[2]").at());
    assertEquals("body", JsonErrors.fromInput(new DataException("body:1", "malformed JSON: nope"), "").at());
    assertEquals("body", JsonErrors.fromInput(new DataException("body:1", "the policy says no"), "").at());
  }
}
