package dev.writ.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The AuthZEN endpoints over HTTP with real signed tokens: the examples of the Authorization API
 * 1.0 text (its requests verbatim, its decisions expected), and a table of permit, deny, pending
 * and error cases on the service's test policies.
 */
class AuthzenEndpointsTest {
  @TempDir
  Path dir;
  SecureTestServer a;
  String enforcer;

  @BeforeEach
  void start() {
    a = new SecureTestServer(dir);
    enforcer = a.token("gateway", "enforcer");
  }

  @AfterEach
  void stop() {
    a.close();
  }

  private static List<Boolean> decisions(TestServer.Res r) {
    assertEquals(200, r.status(), r.body());
    List<Boolean> out = new ArrayList<>();
    r.json().path("evaluations").forEach(e -> out.add(e.path("decision").asBoolean()));
    return out;
  }

  private TestServer.Res post(String path, String body, String token, String requestId) {
    HttpRequest.Builder b = HttpRequest.newBuilder(a.s.uri(path)).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    if (requestId != null) {
      b.header("X-Request-ID", requestId);
    }
    return a.s.send(b.build());
  }

  /** The examples of the specification's text, on policies and entities that give its answers. */
  @Nested
  class SpecificationExamples {
    @BeforeEach
    void examplePolicies() throws IOException {
      try (Stream<Path> old = Files.list(a.s.policies)) {
        for (Path f : old.toList()) {
          Files.delete(f);
        }
      }
      Files.writeString(a.s.policies.resolve("examples.policy"), resource("/authzen/examples.policy"));
      Files.writeString(a.s.entities, resource("/authzen/examples.yaml"));
      a.s.restart();
    }

    /** "The Access Evaluation API Request", Example (non-normative). */
    @Test
    void accessEvaluationRequest() {
      TestServer.Res r = a.post("/access/v1/evaluation", """
          {
            "subject": {
              "type": "user",
              "id": "alice@example.com"
            },
            "resource": {
              "type": "account",
              "id": "123"
            },
            "action": {
              "name": "can_read",
              "properties": {
                "method": "GET"
              }
            },
            "context": {
              "time": "1985-10-26T01:22-07:00"
            }
          }""", enforcer);
      assertEquals(200, r.status(), r.body());
      assertTrue(r.json().path("decision").asBoolean(), r.body());
      assertEquals("authzen.examples.accounts_and_todos", r.json().path("context").path("policies").path(0).asText());
    }

    /** "HTTPS JSON Binding", the Access Evaluation example: its request id comes back. */
    @Test
    void httpsAccessEvaluation() {
      TestServer.Res r = post("/access/v1/evaluation", """
          {
            "subject": {
              "type": "user",
              "id": "alice@example.com"
            },
            "resource": {
              "type": "todo",
              "id": "1"
            },
            "action": {
              "name": "can_read"
            },
            "context": {
              "time": "1985-10-26T01:22-07:00"
            }
          }""", enforcer, "bfe9eb29-ab87-4ca3-be83-a1d5d8305716");
      assertEquals(200, r.status(), r.body());
      assertEquals("application/json", r.raw().headers().firstValue("Content-Type").orElseThrow());
      assertEquals("bfe9eb29-ab87-4ca3-be83-a1d5d8305716", r.raw().headers().firstValue("X-Request-ID").orElseThrow());
      assertTrue(r.json().path("decision").asBoolean(), r.body());
    }

    /** "The Access Evaluations API Request": three requests, no default values. */
    @Test
    void evaluationsWithoutDefaults() {
      String one = """
          {
            "subject": {
              "type": "user",
              "id": "alice@example.com"
            },
            "action": {
              "name": "can_read"
            },
            "resource": {
              "type": "document",
              "id": "%s"
            },
            "context": {
              "time": "2024-05-31T15:22-07:00"
            }
          }""";
      TestServer.Res r = a.post("/access/v1/evaluations", "{\"evaluations\": [" + String.format(one, "boxcarring.md")
          + ", " + String.format(one, "subject-search.md") + ", " + String.format(one, "resource-search.md") + "]}",
          enforcer);
      assertEquals(List.of(true, false, true), decisions(r));
      // subject-search.md is not in the entity data: that evaluation is false with its error, the others answer
      JsonNode error = r.json().path("evaluations").path(1).path("context").path("error");
      assertEquals(400, error.path("status").asInt(), r.body());
      assertEquals("evaluations[1].resource", error.path("at").asText(), r.body());
    }

    /** "Default values": one subject and context for all, and a default action overridden by the third. */
    @Test
    void evaluationsWithDefaultsAndAnOverride() {
      TestServer.Res shared = a.post("/access/v1/evaluations", """
          {
            "subject": {
              "type": "user",
              "id": "alice@example.com"
            },
            "context": {
              "time": "2024-05-31T15:22-07:00"
            },
            "evaluations": [
              {
                "action": {
                  "name": "can_read"
                },
                "resource": {
                  "type": "document",
                  "id": "boxcarring.md"
                }
              },
              {
                "action": {
                  "name": "can_read"
                },
                "resource": {
                  "type": "document",
                  "id": "subject-search.md"
                }
              },
              {
                "action": {
                  "name": "can_read"
                },
                "resource": {
                  "type": "document",
                  "id": "resource-search.md"
                }
              }
            ]
          }""", enforcer);
      assertEquals(List.of(true, false, true), decisions(shared));
      // "HTTPS JSON Binding", the Access Evaluations example: true, false (no such resource), false (can_edit)
      TestServer.Res r = post("/access/v1/evaluations", """
          {
            "subject": {
              "type": "user",
              "id": "alice@example.com"
            },
            "context": {
              "time": "2024-05-31T15:22-07:00"
            },
            "action": {
              "name": "can_read"
            },
            "evaluations": [
              {
                "resource": {
                  "type": "document",
                  "id": "boxcarring.md"
                }
              },
              {
                "resource": {
                  "type": "document",
                  "id": "subject-search.md"
                }
              },
              {
                "action": {
                  "name": "can_edit"
                },
                "resource": {
                  "type": "document",
                  "id": "resource-search.md"
                }
              }
            ]
          }""", enforcer, "bfe9eb29-ab87-4ca3-be83-a1d5d8305716");
      assertEquals(List.of(true, false, false), decisions(r));
      assertEquals("bfe9eb29-ab87-4ca3-be83-a1d5d8305716", r.raw().headers().firstValue("X-Request-ID").orElseThrow());
      assertTrue(r.json().path("evaluations").path(1).path("context").has("error"), r.body());
      assertEquals("deny", r.json().path("evaluations").path(2).path("context").path("outcome").asText(), r.body());
    }

    private static final String SEMANTICS = """
        {
          "subject": {
            "type": "user",
            "id": "alice@example.com"
          },
          "action": {
            "name": "read"
          },
          "options": {
            "evaluations_semantic": "%s"
          },
          "evaluations": [
            {
              "resource": {
                "type": "document",
                "id": "1"
              }
            },
            {
              "resource": {
                "type": "document",
                "id": "2"
              }
            },
            {
              "resource": {
                "type": "document",
                "id": "3"
              }
            }
          ]
        }""";

    /** "Evaluations semantics", its three examples and their responses. */
    @Test
    void evaluationsSemantics() {
      assertEquals(List.of(true, false, true),
          decisions(a.post("/access/v1/evaluations", String.format(SEMANTICS, "execute_all"), enforcer)));
      assertEquals(List.of(true, false),
          decisions(a.post("/access/v1/evaluations", String.format(SEMANTICS, "deny_on_first_deny"), enforcer)));
      assertEquals(List.of(true),
          decisions(a.post("/access/v1/evaluations", String.format(SEMANTICS, "permit_on_first_permit"), enforcer)));
      // without options: execute_all
      assertEquals(List.of(true, false, true), decisions(a.post("/access/v1/evaluations",
          String.format(SEMANTICS, "execute_all").replaceAll("(?s)\"options\": \\{[^}]*},", ""), enforcer)));
    }

    /** "Subject Properties": the examples' department property, merged over the stored user. */
    @Test
    void subjectWithProperties() {
      TestServer.Res r = a.post("/access/v1/evaluation", """
          {
            "subject": {
              "type": "user",
              "id": "alice@example.com",
              "properties": {
                "department": "Sales"
              }
            },
            "resource": {"type": "document", "id": "1"},
            "action": {"name": "read"}
          }""", enforcer);
      assertTrue(r.json().path("decision").asBoolean(), r.body());
    }

    /** "Policy Decision Point Metadata Response": the identifier and the evaluation endpoints, nothing else. */
    @Test
    void metadata() {
      TestServer.Res r = a.get("/.well-known/authzen-configuration", enforcer);
      assertEquals(200, r.status(), r.body());
      assertEquals("application/json", r.raw().headers().firstValue("Content-Type").orElseThrow());
      String base = a.s.uri("/").toString().replaceAll("/$", "");
      assertEquals(base, r.json().path("policy_decision_point").asText());
      assertEquals(base + "/access/v1/evaluation", r.json().path("access_evaluation_endpoint").asText());
      assertEquals(base + "/access/v1/evaluations", r.json().path("access_evaluations_endpoint").asText());
      assertFalse(r.json().has("search_subject_endpoint"));
      assertEquals(3, r.json().size());
    }
  }

  // ---- the service's own policies: permit, deny, pending, errors -------------------------

  private static final String INCIDENT = "\"intent\": {\"name\": \"investigate_incident\", \"ticket\": \"INC-4711\"}";

  private static String evaluation(String subject, String action, String resource, String context) {
    return "{\"subject\": " + subject + ", \"action\": {\"name\": \"" + action + "\"}, \"resource\": " + resource
        + (context == null ? "" : ", \"context\": " + context) + "}";
  }

  private static String uid(String type, String id) {
    return "{\"type\": \"" + type + "\", \"id\": \"" + id + "\"}";
  }

  private record Case(String name, String body, int status, Boolean decision, String outcome, String at) {}

  @Test
  void decisionTable() {
    String mfa = "{\"mfa\": true, " + INCIDENT + "}";
    List<Case> table = List.of(
        new Case("permit", evaluation(uid("Employee", "alice"), "db:select", uid("Database", "metrics"), mfa),
            200, true, "permit", null),
        new Case("pending: restricted data needs an approval",
            evaluation(uid("Employee", "alice"), "db:select", uid("Database", "orders"), mfa), 200, false, "pending", null),
        new Case("deny: no grant without mfa",
            evaluation(uid("Employee", "alice"), "db:select", uid("Database", "metrics"), "{" + INCIDENT + "}"),
            200, false, "deny", null),
        new Case("deny: not in the team", evaluation(uid("Employee", "dave"), "db:select", uid("Database", "metrics"),
            mfa), 200, false, "deny", null),
        new Case("deny: a forbid", evaluation(uid("Assistant", "helper"), "db:insert", uid("Database", "orders"), null),
            200, false, "deny", null),
        new Case("deny: a bad intent parameter", evaluation(uid("Employee", "alice"), "db:select",
            uid("Database", "metrics"), "{\"mfa\": true, \"intent\": {\"name\": \"investigate_incident\", \"ticket\": \"x\"}}"),
            200, false, "deny", null),
        new Case("permit: a property merged over the stored resource", evaluation(uid("Employee", "alice"), "db:select",
            "{\"type\": \"Database\", \"id\": \"staging\", \"properties\": {\"env\": \"prod\"}}", mfa), 200, true, "permit", null),
        new Case("error: no subject", "{\"action\": {\"name\": \"db:select\"}, \"resource\": " + uid("Database", "metrics")
            + "}", 400, null, null, "subject"),
        new Case("error: no action name", "{\"subject\": " + uid("Employee", "alice") + ", \"action\": {}, \"resource\": "
            + uid("Database", "metrics") + "}", 400, null, null, "action.name"),
        new Case("error: unknown subject", evaluation(uid("Employee", "nobody"), "db:select", uid("Database", "metrics"),
            mfa), 400, null, null, "subject"),
        new Case("error: unknown action", evaluation(uid("Employee", "alice"), "db:selct", uid("Database", "metrics"),
            mfa), 400, null, null, "action.name"),
        new Case("error: undeclared entity type", evaluation(uid("Employe", "alice"), "db:select",
            uid("Database", "metrics"), mfa), 400, null, null, "subject"),
        new Case("error: a property of the wrong type", evaluation("{\"type\": \"Employee\", \"id\": \"alice\", "
            + "\"properties\": {\"mfa_enrolled\": \"yes\"}}", "db:select", uid("Database", "metrics"), mfa),
            400, null, null, "subject.properties.mfa_enrolled"),
        new Case("error: the caller is the service's to say", evaluation(uid("Employee", "alice"), "db:select",
            uid("Database", "metrics"), "{\"caller\": {\"principal\": \"Employee::root\"}}"), 400, null, null,
            "context.caller"),
        new Case("error: malformed JSON", "{\"subject\": ", 400, null, null, "body"));
    String trail = a.trail();
    List<String> failures = new ArrayList<>();
    for (Case c : table) {
      TestServer.Res r = a.post("/access/v1/evaluation", c.body, enforcer);
      String got = r.status() + " " + r.body();
      if (r.status() != c.status) {
        failures.add(c.name + ": " + got);
      } else if (c.status == 200 && (r.json().path("decision").asBoolean() != c.decision
          || !r.json().path("context").path("outcome").asText().equals(c.outcome))) {
        failures.add(c.name + ": " + got);
      } else if (c.status != 200 && !(c.at.equals(r.at()) && r.error() != null && !r.error().isBlank())) {
        failures.add(c.name + ": " + got);
      }
      // the same evaluation in a batch: the same decision, or (for input errors of one evaluation) false with its error
      if (c.status == 200) {
        TestServer.Res b = a.post("/access/v1/evaluations", "{\"evaluations\": [" + c.body + "]}", enforcer);
        if (b.status() != 200 || b.json().path("evaluations").path(0).path("decision").asBoolean() != c.decision) {
          failures.add(c.name + " in a batch: " + b.status() + " " + b.body());
        }
      }
    }
    assertTrue(failures.isEmpty(), String.join("\n", failures));
    assertEquals(trail, a.trail(), "AuthZEN decisions are stateless: nothing is recorded");
    String metrics = a.s.server.service().metrics().scrape();
    assertTrue(metrics.lines().anyMatch(l -> l.startsWith("writ_decisions_total{") && l.contains("kind=\"authzen\"")
        && l.contains("outcome=\"pending\"")), metrics);
  }

  @Test
  void answersCarryObligationsTtlAndPendingApprovals() {
    String mfa = "{\"mfa\": true, " + INCIDENT + "}";
    JsonNode permit = a.post("/access/v1/evaluation", evaluation(uid("Employee", "alice"), "db:select",
        uid("Database", "metrics"), mfa), enforcer).json();
    assertEquals("2h", permit.path("context").path("ttl").asText());
    assertEquals("notify", permit.path("context").path("obligations").path(0).path("name").asText());
    assertEquals("#db-access", permit.path("context").path("obligations").path(0).path("value").asText());
    JsonNode pending = a.post("/access/v1/evaluation", evaluation(uid("Employee", "alice"), "db:select",
        uid("Database", "orders"), mfa), enforcer).json();
    assertTrue(pending.path("context").path("ttl").isNull());
    JsonNode approval = pending.path("context").path("pending").path(0);
    assertEquals("Team::db-owners", approval.path("from").asText());
    assertEquals(1, approval.path("required").asInt());
  }

  @Test
  void anEvaluationOfABatchThatCannotBeDecidedIsFalseAndTheRestAnswer() {
    String mfa = "{\"mfa\": true, " + INCIDENT + "}";
    TestServer.Res r = a.post("/access/v1/evaluations", "{\"action\": {\"name\": \"db:select\"}, \"context\": " + mfa
        + ", \"evaluations\": [{\"subject\": " + uid("Employee", "alice") + ", \"resource\": {\"type\": \"Database\", "
        + "\"id\": \"metrics\", \"properties\": {\"tags\": 3}}}, {\"subject\": " + uid("Employee", "alice")
        + ", \"resource\": " + uid("Database", "metrics") + "}]}", enforcer);
    assertEquals(List.of(false, true), decisions(r));
    JsonNode error = r.json().path("evaluations").path(0).path("context").path("error");
    assertEquals(400, error.path("status").asInt());
    assertEquals("evaluations[0].resource.properties.tags", error.path("at").asText(), r.body());
    // a malformed payload is refused whole
    TestServer.Res bad = a.post("/access/v1/evaluations", "{\"evaluations\": [{\"resource\": " + uid("Database", "m")
        + "}]}", enforcer);
    assertEquals(400, bad.status(), bad.body());
    assertEquals("evaluations[0].subject", bad.at());
    TestServer.Res semantic = a.post("/access/v1/evaluations", "{\"options\": {\"evaluations_semantic\": \"all\"}, "
        + "\"evaluations\": []}", enforcer);
    assertEquals(400, semantic.status(), semantic.body());
    assertEquals("options.evaluations_semantic", semantic.at());
  }

  @Test
  void aBatchIsBoundedLikeTheOthers() {
    int max = a.s.config.maxBatch();
    String one = "{\"subject\": " + uid("Employee", "alice") + ", \"action\": {\"name\": \"db:select\"}, \"resource\": "
        + uid("Database", "metrics") + "}";
    TestServer.Res r = a.post("/access/v1/evaluations", "{\"evaluations\": [" + String.join(",",
        java.util.Collections.nCopies(max + 1, one)) + "]}", enforcer);
    assertEquals(400, r.status(), r.body());
    assertEquals("evaluations", r.at());
  }

  @Test
  void callersWithoutCredentialsOrTheRoleAreRefusedCountedAndTheRequestIdComesBack() {
    String body = evaluation(uid("Employee", "alice"), "db:select", uid("Database", "metrics"), null);
    double missing = a.authFailures("missing");
    double role = a.authFailures("role");
    for (String path : List.of("/access/v1/evaluation", "/access/v1/evaluations")) {
      TestServer.Res none = post(path, body, null, "req-1");
      assertEquals(401, none.status(), none.body());
      assertEquals("Bearer realm=\"writ\"", none.raw().headers().firstValue("WWW-Authenticate").orElseThrow());
      assertEquals("req-1", none.raw().headers().firstValue("X-Request-ID").orElseThrow());
      TestServer.Res requester = post(path, body, a.token("alice"), null);
      assertEquals(403, requester.status(), requester.body());
      assertEquals("role", requester.at());
      assertFalse(requester.body().contains("Database"), "a refusal says nothing of the request");
      assertTrue(requester.raw().headers().firstValue("X-Request-ID").isEmpty());
    }
    assertEquals(403, a.get("/.well-known/authzen-configuration", a.token("alice", "auditor")).status());
    assertEquals(401, a.get("/.well-known/authzen-configuration", null).status());
    assertEquals(missing + 3, a.authFailures("missing"));
    assertEquals(role + 3, a.authFailures("role"));
    assertEquals(200, a.post("/access/v1/evaluation", body, a.token("root", "admin")).status());
  }

  @Test
  void bodiesMustBeJson() {
    TestServer.Res r = a.s.send(HttpRequest.newBuilder(a.s.uri("/access/v1/evaluation"))
        .header("Content-Type", "text/plain").header("Authorization", "Bearer " + enforcer)
        .POST(HttpRequest.BodyPublishers.ofString("{}")).build());
    assertEquals(415, r.status(), r.body());
    TestServer.Res big = a.post("/access/v1/evaluations", "{\"context\": {\"pad\": \"" + "x".repeat(
        (int) a.s.config.maxBodyBytes()) + "\"}}", enforcer);
    assertEquals(413, big.status());
  }

  static String resource(String name) {
    try (InputStream in = AuthzenEndpointsTest.class.getResourceAsStream(name)) {
      return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
