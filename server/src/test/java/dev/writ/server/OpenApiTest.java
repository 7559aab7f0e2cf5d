package dev.writ.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.writ.engine.json.DataDocument;
import dev.writ.server.auth.Role;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The OpenAPI description (server/src/main/resources/dev/writ/server/openapi.json) against the
 * code: it describes exactly the routes the router has, with their roles and query parameters,
 * and every answer of a running service (successes and errors, for every operation) validates
 * against the schema it gives for that path, method and status (networknt json-schema-validator,
 * JSON Schema 2020-12, the dialect of OpenAPI 3.1).
 */
class OpenApiTest {
  private static final String DOC_URI = "https://writ.dev/openapi.json";
  private static final String TEXT = new String(OpenApi.document(), StandardCharsets.UTF_8);
  private static final JsonNode DOC = parse(TEXT);
  private static final SchemaRegistry SCHEMAS = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12,
      b -> b.schemas(Map.of(DOC_URI, TEXT)));
  private static final List<String> METHODS = List.of("get", "put", "post", "delete", "patch", "head", "options");

  @TempDir
  Path dir;
  SecureTestServer a;
  /** {@code METHOD /pattern STATUS} of every answer validated. */
  final Set<String> seen = new TreeSet<>();

  @BeforeEach
  void start() {
    a = new SecureTestServer(dir);
  }

  @AfterEach
  void stop() {
    a.close();
  }

  private static JsonNode parse(String text) {
    try {
      return DataDocument.JSON.readTree(text);
    } catch (JsonProcessingException e) {
      throw new AssertionError("openapi.json is not JSON", e);
    }
  }

  private static String escape(String s) {
    return s.replace("~", "~0").replace("/", "~1");
  }

  private List<Router.Declared> routes() {
    Router router = new Router(1, a.s.server.service().metrics(), null, Set.of());
    new Endpoints(a.s.server.service()).register(router);
    return router.routes();
  }

  // ---- the description and the router ---------------------------------------------------

  @Test
  void theDescriptionHasExactlyTheRoutesOfTheRouter() {
    Set<String> declared = new TreeSet<>();
    routes().forEach(r -> declared.add(r.method() + " " + r.pattern()));
    Set<String> described = new TreeSet<>();
    DOC.path("paths").properties().forEach(p -> p.getValue().fieldNames().forEachRemaining(m -> {
      if (METHODS.contains(m)) {
        described.add(m.toUpperCase() + " " + p.getKey());
      }
    }));
    Set<String> undescribed = new TreeSet<>(declared);
    undescribed.removeAll(described);
    Set<String> unrouted = new TreeSet<>(described);
    unrouted.removeAll(declared);
    assertTrue(undescribed.isEmpty(), "routes without a description in openapi.json (add them): " + undescribed);
    assertTrue(unrouted.isEmpty(), "described in openapi.json but not routed: " + unrouted);
  }

  @Test
  void rolesPathAndQueryParametersAreTheRoutersOwn() {
    List<String> mismatches = new ArrayList<>();
    Set<String> operationIds = new TreeSet<>();
    for (Router.Declared r : routes()) {
      String name = r.method() + " " + r.pattern();
      JsonNode path = DOC.path("paths").path(r.pattern());
      JsonNode op = path.path(r.method().toLowerCase());
      if (!operationIds.add(op.path("operationId").asText())) {
        mismatches.add(name + ": operationId missing or repeated");
      }
      boolean open = op.has("security") && op.get("security").isEmpty();
      if (open != r.access().isPublic()) {
        mismatches.add(name + ": public in the router " + r.access().isPublic() + ", in the description " + open);
      }
      Set<String> roles = new TreeSet<>();
      op.path("x-writ-roles").forEach(x -> roles.add(x.asText()));
      Set<String> routed = new TreeSet<>(r.access().roles().stream().map(Role::json).toList());
      if (!roles.equals(routed)) {
        mismatches.add(name + ": roles " + routed + " in the router, " + roles + " described");
      }
      Set<String> query = new TreeSet<>();
      Set<String> pathParams = new TreeSet<>();
      List<JsonNode> params = new ArrayList<>();
      path.path("parameters").forEach(params::add);
      op.path("parameters").forEach(params::add);
      for (JsonNode p : params) {
        JsonNode q = p.has("$ref") ? DOC.at(p.get("$ref").asText().substring(1)) : p;
        if (q.path("in").asText().equals("query")) {
          query.add(q.path("name").asText());
        } else if (q.path("in").asText().equals("path")) {
          pathParams.add(q.path("name").asText());
        }
      }
      if (!query.equals(new TreeSet<>(r.queryNames()))) {
        mismatches.add(name + ": query parameters " + new TreeSet<>(r.queryNames()) + " routed, " + query + " described");
      }
      Set<String> placeholders = new TreeSet<>();
      Matcher m = Pattern.compile("\\{([^}]+)}").matcher(r.pattern());
      while (m.find()) {
        placeholders.add(m.group(1));
      }
      if (!placeholders.equals(pathParams)) {
        mismatches.add(name + ": path parameters " + placeholders + " routed, " + pathParams + " described");
      }
      Set<String> statuses = new TreeSet<>();
      op.path("responses").fieldNames().forEachRemaining(statuses::add);
      if (!r.access().isPublic() && !statuses.containsAll(Set.of("401", "403"))) {
        mismatches.add(name + ": a route behind authentication answers 401 and 403");
      }
    }
    assertTrue(mismatches.isEmpty(), String.join("\n", mismatches));
  }

  @Test
  void theServiceServesTheRepositorysDescription() {
    TestServer.Res r = a.get("/openapi.json", null);
    check("GET", "/openapi.json", r);
    assertArrayEquals(OpenApi.document(), r.body().getBytes(StandardCharsets.UTF_8));
    assertEquals("3.1.0", DOC.path("openapi").asText());
    assertEquals(Set.of("bearer", "mutualTLS"), names(DOC.path("components").path("securitySchemes")));
    assertEquals("mutualTLS", DOC.at("/components/securitySchemes/mutualTLS/type").asText());
    assertEquals("bearer", DOC.at("/components/securitySchemes/bearer/scheme").asText());
    // every $ref resolves
    List<String> dangling = new ArrayList<>();
    refs(DOC, dangling);
    assertTrue(dangling.isEmpty(), "unresolved $ref: " + dangling);
  }

  private static Set<String> names(JsonNode o) {
    Set<String> out = new TreeSet<>();
    o.fieldNames().forEachRemaining(out::add);
    return out;
  }

  private static void refs(JsonNode n, List<String> dangling) {
    if (n.isObject()) {
      JsonNode ref = n.get("$ref");
      if (ref != null && (!ref.asText().startsWith("#/") || DOC.at(ref.asText().substring(1)).isMissingNode())) {
        dangling.add(ref.asText());
      }
      n.elements().forEachRemaining(c -> refs(c, dangling));
    } else if (n.isArray()) {
      n.elements().forEachRemaining(c -> refs(c, dangling));
    }
  }

  // ---- real answers against the description -----------------------------------------------

  /** The schema at a pointer into the description. */
  private static Schema schema(String pointer) {
    return SCHEMAS.getSchema(SchemaLocation.of(DOC_URI + "#" + pointer));
  }

  /** The problems of {@code json} against the schema at {@code pointer} (empty when it fits). */
  private static List<String> problems(String pointer, String json) {
    return schema(pointer).validate(json, InputFormat.JSON).stream().map(Object::toString).toList();
  }

  /** Validates a real answer against what the description says of this path, method and status. */
  private TestServer.Res check(String method, String pattern, TestServer.Res r) {
    String where = method + " " + pattern + " -> " + r.status();
    JsonNode op = DOC.path("paths").path(pattern).path(method.toLowerCase());
    assertFalse(op.isMissingNode(), "not described: " + method + " " + pattern);
    String pointer = "/paths/" + escape(pattern) + "/" + method.toLowerCase() + "/responses/" + r.status();
    JsonNode response = DOC.at(pointer);
    assertFalse(response.isMissingNode(), where + " is not a status the description lists: " + r.body());
    if (response.has("$ref")) {
      pointer = response.get("$ref").asText().substring(1);
    }
    validate(where, pointer, r);
    seen.add(method + " " + pattern + " " + r.status());
    return r;
  }

  private static void validate(String where, String responsePointer, TestServer.Res r) {
    JsonNode response = DOC.at(responsePointer);
    String type = r.raw().headers().firstValue("Content-Type").orElse("").split(";")[0].trim();
    assertTrue(response.path("content").has(type), where + ": answered as `" + type + "`, described as "
        + names(response.path("content")));
    String schemaPointer = responsePointer + "/content/" + escape(type) + "/schema";
    List<String> bodies = new ArrayList<>();
    if (type.equals("application/x-ndjson")) {
      r.body().lines().filter(l -> !l.isBlank()).forEach(bodies::add);
    } else if (type.startsWith("text/")) {
      bodies.add(DataDocument.JSON.getNodeFactory().textNode(r.body()).toString());
    } else {
      bodies.add(r.body());
    }
    for (String body : bodies) {
      List<String> problems = problems(schemaPointer, body);
      assertTrue(problems.isEmpty(), where + ": the answer does not fit the description: " + problems + "\n" + body);
    }
    for (Iterator<String> h = response.path("headers").fieldNames(); h.hasNext(); ) {
      String header = h.next();
      if (!header.equals("X-Request-ID")) {
        assertTrue(r.raw().headers().firstValue(header).isPresent(), where + ": no " + header + " header");
      }
    }
  }

  /** The request body schema of an operation. */
  private static String requestSchema(String method, String pattern) {
    return "/paths/" + escape(pattern) + "/" + method.toLowerCase() + "/requestBody/content/application~1json/schema";
  }

  @Test
  void theBodiesTheServiceTakesFitTheDescriptionAndBadOnesDoNot() {
    String batch = "{\"requests\": [" + TestServer.ALICE_METRICS + "], \"entities\": [{\"uid\": \"Employee::x\", "
        + "\"attrs\": {\"department\": \"sre\"}, \"parents\": [\"Team::sre\"]}]}";
    String evaluation = "{\"subject\": {\"type\": \"user\", \"id\": \"alice@example.com\"}, \"resource\": "
        + "{\"type\": \"account\", \"id\": \"123\"}, \"action\": {\"name\": \"can_read\", \"properties\": "
        + "{\"method\": \"GET\"}}, \"context\": {\"time\": \"1985-10-26T01:22-07:00\"}}";
    String[][] good = {
        {"POST", "/v1/decisions", TestServer.ALICE_METRICS}, {"POST", "/v1/decisions", batch},
        {"POST", "/v1/grants", TestServer.ALICE_ORDERS},
        {"POST", "/v1/grants/{id}/approvals", "{}"}, {"POST", "/v1/grants/{id}/approvals", "{\"by\": \"Employee::carol\"}"},
        {"POST", "/v1/grants/{id}/delegations", "{\"to\": \"Assistant::triage-bot\", \"actions\": [\"db:select\"], "
            + "\"duration\": \"30m\"}"},
        {"DELETE", "/v1/grants/{id}", "{\"reason\": \"incident closed\"}"},
        {"POST", "/v1/grants/{id}/narrowing", "{\"actions\": [\"db:select\"], \"duration\": \"10m\", \"reason\": \"odd\"}"},
        {"POST", "/v1/tasks/end", "{\"intent\": \"investigate_incident\", \"params\": {\"ticket\": \"INC-1\"}, "
            + "\"reason\": \"ticket closed\"}"},
        {"POST", "/v1/actions", "{\"grant\": \"g-1\", \"action\": \"db:select\", \"resource\": \"Database::metrics\"}"},
        {"POST", "/access/v1/evaluation", evaluation},
        {"POST", "/access/v1/evaluations", "{\"subject\": {\"type\": \"user\", \"id\": \"a\"}, \"action\": {\"name\": "
            + "\"read\"}, \"options\": {\"evaluations_semantic\": \"deny_on_first_deny\"}, \"evaluations\": [{\"resource\": "
            + "{\"type\": \"document\", \"id\": \"1\"}}]}"}};
    for (String[] g : good) {
      List<String> problems = problems(requestSchema(g[0], g[1]), g[2]);
      assertTrue(problems.isEmpty(), g[0] + " " + g[1] + ": " + problems + "\n" + g[2]);
    }
    String[][] bad = {
        {"POST", "/v1/grants", TestServer.ALICE_METRICS.replace("\"intent\"", "\"intnet\"")},
        {"POST", "/v1/decisions", "{\"actions\": [\"db:select\"], \"resource\": \"Database::metrics\"}"},
        {"POST", "/v1/grants/{id}/delegations", "{\"actions\": [\"db:select\"]}"},
        {"DELETE", "/v1/grants/{id}", "{\"reason\": \"\"}"},
        {"POST", "/v1/grants/{id}/narrowing", "{\"actions\": [\"db:select\"]}"},
        {"POST", "/v1/tasks/end", "{\"intent\": \"investigate_incident\", \"params\": {}, \"reason\": \"x\"}"},
        {"POST", "/access/v1/evaluation", evaluation.replace("\"id\": \"123\"", "\"id\": 123")},
        {"POST", "/access/v1/evaluations", "{\"options\": {\"evaluations_semantic\": \"all\"}}"}};
    for (String[] b : bad) {
      assertFalse(problems(requestSchema(b[0], b[1]), b[2]).isEmpty(), b[0] + " " + b[1] + " should not fit: " + b[2]);
    }
  }

  @Test
  void aDriftedAnswerDoesNotValidate() {
    // The validator is live: a decision without `ttl`, or with a field the description does not have, fails.
    String decision = "/components/schemas/Decision";
    TestServer.Res r = a.post("/v1/decisions", TestServer.ALICE_METRICS, a.token("gw", "enforcer"));
    assertTrue(problems(decision, r.body()).isEmpty(), r.body());
    ObjectNode missing = (ObjectNode) r.json().deepCopy();
    missing.remove("ttl");
    assertFalse(problems(decision, missing.toString()).isEmpty());
    ObjectNode extra = (ObjectNode) r.json().deepCopy();
    extra.put("seq", 1);
    assertFalse(problems(decision, extra.toString()).isEmpty());
    ObjectNode wrong = (ObjectNode) r.json().deepCopy();
    wrong.put("decision", "maybe");
    assertFalse(problems(decision, wrong.toString()).isEmpty());
  }

  private TestServer.Res send(String method, String path, String body, String token, String contentType,
                              String origin) {
    HttpRequest.Builder b = HttpRequest.newBuilder(a.s.uri(path)).method(method,
        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (body != null) {
      b.header("Content-Type", contentType);
    }
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    if (origin != null) {
      b.header("Origin", origin);
    }
    return a.s.send(b.build());
  }

  @Test
  void everyAnswerOfEveryOperationFitsTheDescription() {
    String admin = a.token("root", "admin");
    String enforcer = a.token("gateway", "enforcer");
    String alice = a.token("alice");
    String auditor = a.token("audit", "auditor");
    String carol = a.token("carol", "approver");
    String bobMetrics = TestServer.ALICE_METRICS.replace("Employee::alice", "Employee::bob");
    String bobOrders = TestServer.ALICE_ORDERS.replace("Employee::alice", "Employee::bob");
    String big = "{\"pad\": \"" + "x".repeat((int) a.s.config.maxBodyBytes()) + "\"}";
    String evil = "https://evil.example";

    String active = check("POST", "/v1/grants", a.post("/v1/grants", bobMetrics, admin)).json().path("id").asText();
    String pending = check("POST", "/v1/grants", a.post("/v1/grants", bobOrders, admin)).json().path("id").asText();

    // Every operation: what it answers to a call without credentials, one without the role or from a
    // foreign origin, a body too large and a body that is not JSON, where they apply.
    record Op(String method, String pattern, String path, String body, String forbiddenToken) {}
    List<Op> ops = List.of(
        new Op("POST", "/v1/decisions", "/v1/decisions", bobMetrics, alice),
        new Op("POST", "/v1/grants", "/v1/grants", bobMetrics, alice),
        new Op("GET", "/v1/grants", "/v1/grants", null, null),
        new Op("GET", "/v1/grants/{id}", "/v1/grants/" + active, null, alice),
        new Op("DELETE", "/v1/grants/{id}", "/v1/grants/" + active, "{}", alice),
        new Op("POST", "/v1/grants/{id}/approvals", "/v1/grants/" + pending + "/approvals", "{}", alice),
        new Op("POST", "/v1/grants/{id}/delegations", "/v1/grants/" + active + "/delegations",
            "{\"to\": \"Assistant::triage-bot\"}", alice),
        new Op("POST", "/v1/grants/{id}/narrowing", "/v1/grants/" + active + "/narrowing",
            "{\"duration\": \"1h\", \"reason\": \"odd\"}", alice),
        new Op("POST", "/v1/actions", "/v1/actions", "{}", alice),
        new Op("POST", "/v1/tasks/end", "/v1/tasks/end", "{}", alice),
        new Op("POST", "/v1/principals/{uid}/offboard", "/v1/principals/Employee::dave/offboard", null, alice),
        new Op("GET", "/v1/audit", "/v1/audit", null, alice),
        new Op("POST", "/access/v1/evaluation", "/access/v1/evaluation", "{}", alice),
        new Op("POST", "/access/v1/evaluations", "/access/v1/evaluations", "{}", alice),
        new Op("GET", "/.well-known/authzen-configuration", "/.well-known/authzen-configuration", null, alice),
        new Op("GET", "/openapi.json", "/openapi.json", null, null),
        new Op("GET", "/health", "/health", null, null),
        new Op("GET", "/metrics", "/metrics", null, alice));
    for (Op op : ops) {
      boolean open = DOC.path("paths").path(op.pattern).path(op.method.toLowerCase()).has("security");
      if (!open) {
        check(op.method, op.pattern, send(op.method, op.path, op.body, null, "application/json", null));
      }
      if (op.forbiddenToken != null) {
        check(op.method, op.pattern, send(op.method, op.path, op.body, op.forbiddenToken, "application/json", null));
      }
      check(op.method, op.pattern, send(op.method, op.path, op.body, admin, "application/json", evil));
      if (DOC.path("paths").path(op.pattern).path(op.method.toLowerCase()).path("responses").has("413")) {
        check(op.method, op.pattern, send(op.method, op.path, big, admin, "application/json", null));
        check(op.method, op.pattern, send(op.method, op.path, "{}", admin, "text/plain", null));
      }
    }

    // stateless decisions
    check("POST", "/v1/decisions", a.post("/v1/decisions", bobMetrics, enforcer));
    check("POST", "/v1/decisions", a.post("/v1/decisions?explain=true", "{\"requests\": [" + bobMetrics + ", "
        + bobOrders + "]}", enforcer));
    check("POST", "/v1/decisions", a.post("/v1/decisions", "{", enforcer));
    check("POST", "/v1/decisions", a.post("/v1/decisions?bogus=1", bobMetrics, enforcer));
    // grants
    check("POST", "/v1/grants", a.post("/v1/grants", TestServer.ALICE_METRICS, alice));
    check("POST", "/v1/grants", a.post("/v1/grants", "{}", alice));
    check("GET", "/v1/grants", a.get("/v1/grants", alice));
    check("GET", "/v1/grants", a.get("/v1/grants?principal=Employee::bob&active=true", admin));
    check("GET", "/v1/grants", a.get("/v1/grants?active=maybe", alice));
    check("GET", "/v1/grants/{id}", a.get("/v1/grants/" + active, admin));
    check("GET", "/v1/grants/{id}", a.get("/v1/grants/" + pending, admin));
    check("GET", "/v1/grants/{id}", a.get("/v1/grants/nope", admin));
    check("POST", "/v1/grants/{id}/approvals", a.post("/v1/grants/" + pending + "/approvals", "{\"oops\": 1}", carol));
    check("POST", "/v1/grants/{id}/approvals", a.post("/v1/grants/nope/approvals", "{}", carol));
    check("POST", "/v1/grants/{id}/approvals", a.post("/v1/grants/" + pending + "/approvals", "{}", carol));
    check("POST", "/v1/grants/{id}/approvals", a.post("/v1/grants/" + pending + "/approvals", "{}", carol));
    check("POST", "/v1/grants/{id}/delegations", a.post("/v1/grants/" + active + "/delegations",
        "{\"to\": \"Assistant::triage-bot\"}", enforcer));
    check("POST", "/v1/grants/{id}/delegations", a.post("/v1/grants/" + active + "/delegations", "{}", enforcer));
    check("POST", "/v1/grants/{id}/delegations", a.post("/v1/grants/nope/delegations",
        "{\"to\": \"Assistant::triage-bot\"}", enforcer));
    check("POST", "/v1/actions", a.post("/v1/actions", "{\"grant\": \"" + active + "\", \"action\": \"db:select\", "
        + "\"resource\": \"Database::metrics\"}", enforcer));
    check("POST", "/v1/actions", a.post("/v1/actions", "{\"grant\": \"" + active + "\"}", enforcer));
    // narrowing and task ends
    check("POST", "/v1/grants/{id}/narrowing", a.post("/v1/grants/" + active + "/narrowing",
        "{\"duration\": \"1h\", \"reason\": \"odd\"}", admin));
    check("POST", "/v1/grants/{id}/narrowing", a.post("/v1/grants/" + active + "/narrowing",
        "{\"actions\": [\"db:delete\"], \"reason\": \"odd\"}", admin));
    check("POST", "/v1/grants/{id}/narrowing", a.post("/v1/grants/nope/narrowing", "{\"reason\": \"odd\"}", admin));
    check("POST", "/v1/tasks/end", a.post("/v1/tasks/end", "{\"intent\": \"investigate_incident\", \"params\": "
        + "{\"ticket\": \"INC-9999\"}, \"reason\": \"closed\"}", enforcer));
    check("POST", "/v1/tasks/end", a.post("/v1/tasks/end", "{\"intent\": \"investigate_incident\", \"params\": {}, "
        + "\"reason\": \"closed\"}", enforcer));
    check("DELETE", "/v1/grants/{id}", send("DELETE", "/v1/grants/" + active, "{\"reason\": \"\"}", admin,
        "application/json", null));
    check("DELETE", "/v1/grants/{id}", send("DELETE", "/v1/grants/nope", null, admin, "application/json", null));
    check("DELETE", "/v1/grants/{id}", send("DELETE", "/v1/grants/" + active, "{\"reason\": \"done\"}", admin,
        "application/json", null));
    // `active` is revoked now: a grant that is not live cannot be narrowed
    check("POST", "/v1/grants/{id}/narrowing", a.post("/v1/grants/" + active + "/narrowing",
        "{\"duration\": \"1h\", \"reason\": \"odd\"}", admin));
    check("POST", "/v1/principals/{uid}/offboard", a.post("/v1/principals/bob/offboard", null, admin));
    check("POST", "/v1/principals/{uid}/offboard", a.post("/v1/principals/Employee::nobody/offboard", null, admin));
    check("POST", "/v1/principals/{uid}/offboard", a.post("/v1/principals/Employee::bob/offboard", null, admin));
    check("GET", "/v1/audit", a.get("/v1/audit", auditor));
    check("GET", "/v1/audit", a.get("/v1/audit?since=yesterday", auditor));
    check("GET", "/v1/audit", a.get("/v1/audit?after=2&limit=3", auditor));
    check("GET", "/v1/audit", a.get("/v1/audit?limit=0", auditor));
    // AuthZEN
    String mfa = "\"context\": {\"mfa\": true, \"intent\": {\"name\": \"investigate_incident\", \"ticket\": \"INC-1\"}}";
    String permit = "{\"subject\": {\"type\": \"Employee\", \"id\": \"alice\"}, \"action\": {\"name\": \"db:select\"}, "
        + "\"resource\": {\"type\": \"Database\", \"id\": \"metrics\"}, " + mfa + "}";
    String pend = permit.replace("metrics", "orders");
    check("POST", "/access/v1/evaluation", a.post("/access/v1/evaluation", permit, enforcer));
    check("POST", "/access/v1/evaluation", a.post("/access/v1/evaluation", pend, enforcer));
    check("POST", "/access/v1/evaluation", a.post("/access/v1/evaluation", "{}", enforcer));
    check("POST", "/access/v1/evaluations", a.post("/access/v1/evaluations", "{\"evaluations\": [" + permit + ", "
        + pend + ", " + permit.replace("alice", "ghost") + "]}", enforcer));
    check("POST", "/access/v1/evaluations", a.post("/access/v1/evaluations", permit, enforcer));
    check("POST", "/access/v1/evaluations", a.post("/access/v1/evaluations", "{\"evaluations\": 3}", enforcer));
    check("GET", "/.well-known/authzen-configuration", a.get("/.well-known/authzen-configuration", enforcer));
    // the service
    check("GET", "/openapi.json", a.get("/openapi.json", null));
    check("GET", "/health", a.get("/health", null));
    check("GET", "/metrics", a.get("/metrics", auditor));

    // Every status an operation lists was answered and validated (500 and 503 need a bug or a store
    // that is down: outagesAndInternalErrorsAnswerAsTheSharedResponsesSay validates those answers).
    List<String> unseen = new ArrayList<>();
    DOC.path("paths").properties().forEach(p -> p.getValue().properties().forEach(m -> {
      if (METHODS.contains(m.getKey())) {
        m.getValue().path("responses").fieldNames().forEachRemaining(status -> {
          String key = m.getKey().toUpperCase() + " " + p.getKey() + " " + status;
          if (!status.equals("500") && !status.equals("503") && !seen.contains(key)) {
            unseen.add(key);
          }
        });
      }
    }));
    assertTrue(unseen.isEmpty(), "listed in the description but never answered by this test: " + unseen);
  }

  @Test
  void unknownPathsAndMethodsAnswerAsTheSharedResponsesSay() {
    String admin = a.token("root", "admin");
    TestServer.Res missing = a.get("/v2/nothing", admin);
    assertEquals(404, missing.status());
    validate("GET /v2/nothing", "/components/responses/NotFound", missing);
    for (Map.Entry<String, JsonNode> path : iterable(DOC.path("paths"))) {
      String concrete = path.getKey().replaceAll("\\{[^}]+}", "x");
      TestServer.Res r = send("PUT", concrete, "{}", admin, "application/json", null);
      assertEquals(405, r.status(), concrete + ": " + r.body());
      validate("PUT " + path.getKey(), "/components/responses/MethodNotAllowed", r);
      Set<String> described = new TreeSet<>();
      path.getValue().fieldNames().forEachRemaining(m -> {
        if (METHODS.contains(m)) {
          described.add(m.toUpperCase());
        }
      });
      assertEquals(described, new TreeSet<>(List.of(r.raw().headers().firstValue("Allow").orElseThrow().split(", "))),
          path.getKey());
    }
  }

  /** 503 and 500 come from a store that is down and from a bug: a router with routes that throw them. */
  @Test
  void outagesAndInternalErrorsAnswerAsTheSharedResponsesSay() throws Exception {
    Router router = new Router(1024, new ServerMetrics(), dev.writ.server.auth.Authenticator.open(), Set.of())
        .add("POST", "/store", Router.Access.PUBLIC, call -> {
          throw new dev.writ.engine.grant.StoreUnavailableException("the grant store is unavailable");
        })
        .add("POST", "/bug", Router.Access.PUBLIC, call -> {
          throw new IllegalStateException("a bug");
        });
    org.eclipse.jetty.server.Server jetty = new org.eclipse.jetty.server.Server();
    org.eclipse.jetty.server.ServerConnector connector = new org.eclipse.jetty.server.ServerConnector(jetty,
        new org.eclipse.jetty.server.HttpConnectionFactory(WritServer.httpConfiguration()));
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    jetty.addConnector(connector);
    jetty.setHandler(router);
    jetty.start();
    try {
      for (String[] c : new String[][] {{"/store", "503", "StoreUnavailable"}, {"/bug", "500", "InternalError"}}) {
        TestServer.Res r = a.s.send(HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:"
                + connector.getLocalPort() + c[0])).header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString("{}")).build());
        assertEquals(Integer.parseInt(c[1]), r.status(), r.body());
        validate("POST " + c[0], "/components/responses/" + c[2], r);
      }
    } finally {
      jetty.stop();
    }
  }

  @Test
  void theRequestIdComesBackOnEveryAnswer() {
    for (String path : List.of("/health", "/openapi.json", "/v1/grants", "/nothing")) {
      TestServer.Res r = a.s.send(HttpRequest.newBuilder(a.s.uri(path)).header("X-Request-ID", "id-" + path).GET()
          .build());
      assertEquals("id-" + path, r.raw().headers().firstValue("X-Request-ID").orElse(null), path + " " + r.status());
    }
  }

  private static Iterable<Map.Entry<String, JsonNode>> iterable(JsonNode o) {
    List<Map.Entry<String, JsonNode>> out = new ArrayList<>();
    o.properties().forEach(out::add);
    return out;
  }
}
