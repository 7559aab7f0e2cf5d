package dev.writ.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line as a user meets it: exit codes, messages, and never a stack trace. */
class CliTest {
  @TempDir
  Path dir;

  record Run(int code, String out, String err) {}

  static Run writ(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Writ.run(args, new PrintWriter(out), new PrintWriter(err));
    assertFalse(err.toString().contains("\tat "), "stack trace printed:\n" + err);
    return new Run(code, out.toString(), err.toString());
  }

  Path policies;

  @BeforeEach
  void project() throws IOException {
    policies = Files.createDirectories(dir.resolve("policies"));
    try (InputStream in = CliTest.class.getResourceAsStream("/prod.policy")) {
      Files.write(policies.resolve("prod.policy"), in.readAllBytes());
    }
    Files.writeString(dir.resolve("entities.yaml"), """
        - { uid: Employee::alice, attrs: { department: sre, mfa_enrolled: true }, parents: [Team::sre] }
        - { uid: Employee::carol, parents: [Team::db-owners] }
        - { uid: Database::orders, attrs: { env: prod, classification: restricted, tags: [] } }
        """);
  }

  @Test
  void checkReportsNoProblemsOnAValidBundle() {
    Run r = writ("check", policies.toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("checked 1 file, 2 rules: no problems"), r.out());
  }

  @Test
  void checkExitsOneWithEveryDiagnostic() throws IOException {
    Files.writeString(policies.resolve("bad.policy"), """
        grant g1 { principal Employe action "db:selct" ttl 1h }
        grant g2 { principal agent action "db:select" }
        """);
    Run r = writ("check", policies.toString());
    assertEquals(1, r.code());
    assertTrue(r.out().contains("bad.policy:1:22: error name.unknown-type: unknown entity type `Employe`"), r.out());
    assertTrue(r.out().contains("did you mean `Employee`?"), r.out());
    assertTrue(r.out().contains("error name.unknown-action"), r.out());
    assertTrue(r.out().contains("warning lint.standing-grant"), r.out());
    assertTrue(r.out().contains("warning lint.agent-without-intent"), r.out());
  }

  @Test
  void checkFailsOnWarningsOnlyWhenAsked() throws IOException {
    Files.writeString(policies.resolve("standing.policy"), "grant s { principal Employee action \"db:select\" }\n");
    assertEquals(0, writ("check", policies.toString()).code());
    assertEquals(1, writ("check", "--fail-on-warning", policies.toString()).code());
  }

  @Test
  void unreadableInputExitsTwo() throws IOException {
    assertEquals(2, writ("check", dir.resolve("missing").toString()).code());
    Path empty = Files.createDirectories(dir.resolve("empty"));
    Run r = writ("check", empty.toString());
    assertEquals(2, r.code());
    assertTrue(r.out().contains("io.no-policies"), r.out());
    Files.write(policies.resolve("blob.policy"), new byte[] {0, 1, 2, (byte) 0xff});
    Run b = writ("check", policies.toString());
    assertEquals(2, b.code());
    assertTrue(b.out().contains("io.not-text"), b.out());
  }

  @Test
  void usageMistakesExitTwo() {
    assertEquals(2, writ().code());
    assertEquals(2, writ("nonsense").code());
    assertEquals(2, writ("eval", "--policies", policies.toString()).code());
  }

  @Test
  void fmtRewritesInPlaceAndIsIdempotent() throws IOException {
    Path f = policies.resolve("prod.policy");
    Run check = writ("fmt", "--check", policies.toString());
    assertEquals(1, check.code(), check.out());
    assertTrue(check.out().contains("prod.policy: not formatted"), check.out());
    assertEquals(0, writ("fmt", policies.toString()).code());
    String once = Files.readString(f);
    assertEquals(0, writ("fmt", "--check", policies.toString()).code());
    assertEquals(0, writ("fmt", f.toString()).code());
    assertEquals(once, Files.readString(f));
    assertTrue(once.contains("// optional, first in the file"), "comments are kept");
    assertEquals(0, writ("check", policies.toString()).code());
  }

  @Test
  void fmtRefusesAFileWithSyntaxErrors() throws IOException {
    Path f = policies.resolve("broken.policy");
    Files.writeString(f, "grant g { ttl 90 }\n");
    Run r = writ("fmt", f.toString());
    assertEquals(2, r.code());
    assertTrue(r.err().contains("broken.policy:1:15: error syntax.unexpected-token"), r.err());
    assertEquals("grant g { ttl 90 }\n", Files.readString(f), "a file that does not parse is left alone");
  }

  @Test
  void evalDecidesOneRequest() throws IOException {
    Files.writeString(dir.resolve("req.yaml"), """
        principal: Employee::alice
        actions: ["db:select"]
        resource: Database::orders
        intent: { name: investigate_incident, ticket: INC-4711 }
        approvals: [ { by: Employee::carol } ]
        context: { mfa: true }
        time: "2026-06-15T10:00:00Z"
        """);
    Run r = writ("eval", "--policies", policies.toString(), "--entities", dir.resolve("entities.yaml").toString(),
        "--request", dir.resolve("req.yaml").toString());
    assertEquals(0, r.code(), r.err());
    JsonNode d = json(r.out().trim());
    assertEquals("permit", d.path("decision").asText());
    assertEquals("2h", d.path("ttl").asText());
    assertEquals("acme.prod.prod_db_incident_read", d.path("policies").get(0).asText());
  }

  @Test
  void evalBatchWritesOneLinePerInputLineAndExitsTwoOnBadLines() throws IOException {
    Files.writeString(dir.resolve("reqs.jsonl"), String.join("\n",
        "{\"principal\":\"Employee::alice\",\"actions\":[\"db:select\"],\"resource\":\"Database::orders\"}",
        "{\"principal\":\"Employee::bob\",\"actions\":[\"db:select\"],\"resource\":\"Database::orders\"}",
        "this is not json",
        "{\"principal\":\"Employee::alice\",\"actions\":[\"db:select\"],\"resource\":\"Database::orders\",\"duration\":\"90\"}",
        "") );
    Run r = writ("eval", "--policies", policies.toString(), "--entities", dir.resolve("entities.yaml").toString(),
        "--requests", dir.resolve("reqs.jsonl").toString(), "--explain");
    assertEquals(2, r.code());
    String[] lines = r.out().split("\n");
    assertEquals(4, lines.length, r.out());
    assertEquals("deny", json(lines[0]).path("decision").asText());
    assertTrue(json(lines[0]).has("explanation"));
    assertEquals(2, json(lines[1]).path("line").asInt());
    assertTrue(json(lines[1]).path("error").asText().contains("unknown entity `Employee::bob`"));
    assertEquals(3, json(lines[2]).path("line").asInt());
    assertTrue(json(lines[3]).path("error").asText().startsWith("duration:"), lines[3]);
  }

  /**
   * A batch line read by the streaming path prints byte for byte what the same request gives on
   * its own (read as a document, written from a tree), for the usual shapes and for the odd ones
   * that take the full reader.
   */
  @Test
  void evalBatchLinesAreByteIdenticalToSingleRequests() throws IOException {
    List<String> requests = List.of(
        "{\"principal\":\"Employee::alice\",\"actions\":[\"db:select\"],\"resource\":\"Database::orders\","
            + "\"intent\":{\"name\":\"investigate_incident\",\"ticket\":\"INC-4711\"},"
            + "\"approvals\":[{\"by\":\"Employee::carol\"}],\"context\":{\"mfa\":true},\"time\":\"2026-06-15T10:00:00Z\"}",
        "{\"principal\":\"Employee::alice\",\"actions\":[\"db:select\",\"db:update\"],\"resource\":\"Database::orders\","
            + "\"context\":{\"mfa\":false,\"note\":\"caf\u00e9 \\\"quoted\\\"\"},\"duration\":\"30m\"}",
        "{\"principal\":\"Employee::carol\",\"actions\":\"db:select\",\"resource\":\"Database::orders\",\"delegation\":[]}",
        // Odd shapes, read by the full reader: a null field, a duplicate key, per-request entities.
        "{\"principal\":\"Employee::alice\",\"actions\":[\"db:select\"],\"resource\":\"Database::orders\",\"time\":null}",
        "{\"principal\":\"Employee::alice\",\"actions\":[\"db:update\"],\"actions\":[\"db:select\"],"
            + "\"resource\":\"Database::orders\"}",
        "{\"principal\":\"Employee::dan\",\"actions\":[\"db:select\"],\"resource\":\"Database::orders\","
            + "\"entities\":[{\"uid\":\"Employee::dan\",\"parents\":[\"Team::sre\"]}]}");
    Files.writeString(dir.resolve("batch.jsonl"), String.join("\n", requests) + "\n");
    for (boolean explain : new boolean[] {false, true}) {
      List<String> args = new java.util.ArrayList<>(List.of("eval", "--policies", policies.toString(), "--entities",
          dir.resolve("entities.yaml").toString()));
      if (explain) {
        args.add("--explain");
      }
      List<String> batch = new java.util.ArrayList<>(args);
      batch.addAll(List.of("--requests", dir.resolve("batch.jsonl").toString()));
      Run all = writ(batch.toArray(String[]::new));
      assertEquals(0, all.code(), all.out() + all.err());
      String[] lines = all.out().split("\n", -1);
      assertEquals(requests.size() + 1, lines.length, all.out());
      for (int i = 0; i < requests.size(); i++) {
        Path one = dir.resolve("one" + i + ".json");
        Files.writeString(one, requests.get(i));
        List<String> single = new java.util.ArrayList<>(args);
        single.addAll(List.of("--request", one.toString()));
        Run r = writ(single.toArray(String[]::new));
        assertEquals(0, r.code(), r.err());
        assertEquals(r.out().strip(), lines[i], "line " + (i + 1));
      }
    }
  }

  @Test
  void evalWithBadEntityDataExitsTwoNamingTheLine() throws IOException {
    Files.writeString(dir.resolve("bad.yaml"), """
        - { uid: Employee::alice, attrs: { mfa_enrolled: "yes" } }
        """);
    Files.writeString(dir.resolve("req.json"), "{\"principal\":\"Employee::alice\",\"actions\":[\"db:select\"],\"resource\":\"Database::orders\"}");
    Run r = writ("eval", "--policies", policies.toString(), "--entities", dir.resolve("bad.yaml").toString(),
        "--request", dir.resolve("req.json").toString());
    assertEquals(2, r.code());
    assertTrue(r.err().contains("bad.yaml:1:") && r.err().contains("expected a Bool"), r.err());
  }

  @Test
  void testRunsSuitesAndFailsOnAFailingCase() throws IOException {
    Path tests = Files.createDirectories(dir.resolve("tests"));
    Files.writeString(tests.resolve("prod_test.yaml"), """
        suite: prod
        now: "2026-06-15T10:00:00Z"
        entities: ../entities.yaml
        cases:
          - name: alice needs an approval
            request: { principal: Employee::alice, actions: ["db:select"], resource: Database::orders,
                       intent: { name: investigate_incident, ticket: INC-1 }, context: { mfa: true } }
            expect: { decision: pending }
          - name: wrong on purpose
            request: { principal: Employee::alice, actions: ["db:select"], resource: Database::orders }
            expect: { decision: permit }
        """);
    Path reports = dir.resolve("reports");
    Run r = writ("test", "--policies", policies.toString(), "--tests", tests.toString(), "--reports", reports.toString());
    assertEquals(1, r.code(), r.out());
    assertTrue(r.out().contains("policy tests: 1 passed, 1 failed"), r.out());
    assertTrue(r.out().contains("decision: expected permit, got deny"), r.out());
    assertTrue(Files.exists(reports.resolve("TEST-policy.prod_test.xml")));
    Run one = writ("test", "--policies", policies.toString(), "--tests", tests.toString(), "--filter", "alice*");
    assertEquals(0, one.code(), one.out());
  }

  @Test
  void bundleSignedAndEvaluatedWithoutTheParser() throws IOException {
    Path key = dir.resolve("k.pem");
    Path pub = dir.resolve("k.pub");
    assertEquals(0, writ("keygen", "--private", key.toString(), "--public", pub.toString()).code());
    assertEquals(2, writ("keygen", "--private", key.toString(), "--public", pub.toString()).code(),
        "never overwrites a key");
    Path bundle = dir.resolve("out.wbundle");
    Run b = writ("bundle", policies.toString(), "-o", bundle.toString(), "--sign", key.toString(), "--revision", "1.2.3");
    assertEquals(0, b.code(), b.err());
    assertTrue(b.out().contains("2 rules") && b.out().contains("revision 1.2.3, signed"), b.out());
    Files.writeString(dir.resolve("req.json"), "{\"principal\":\"Employee::alice\",\"actions\":[\"db:select\"],"
        + "\"resource\":\"Database::orders\",\"intent\":{\"name\":\"investigate_incident\",\"ticket\":\"INC-1\"},"
        + "\"context\":{\"mfa\":true}}");
    Run e = writ("eval", "--bundle", bundle.toString(), "--entities", dir.resolve("entities.yaml").toString(),
        "--request", dir.resolve("req.json").toString());
    assertEquals(0, e.code(), e.err());
    assertEquals("pending", json(e.out().trim()).path("decision").asText());
    Run bad = writ("eval", "--bundle", dir.resolve("entities.yaml").toString(), "--request", dir.resolve("req.json").toString());
    assertEquals(2, bad.code());
    assertTrue(bad.err().contains("is not a Writ bundle"), bad.err());
  }

  @Test
  void tokenKeygenAndSignMakeATokenTheJwksVerifies() throws Exception {
    Path key = dir.resolve("idp.jwk");
    Path jwks = dir.resolve("jwks.json");
    assertEquals(0, writ("token", "keygen", "--key", key.toString(), "--jwks", jwks.toString()).code());
    assertEquals(2, writ("token", "keygen", "--key", key.toString(), "--jwks", jwks.toString()).code(),
        "never overwrites a key");
    Run t = writ("token", "sign", "--key", key.toString(), "--issuer", "https://idp.test", "--audience", "writ",
        "--subject", "carol", "--roles", "approver,auditor", "--mfa", "--ttl", "5m");
    assertEquals(0, t.code(), t.err());
    com.nimbusds.jwt.SignedJWT jwt = com.nimbusds.jwt.SignedJWT.parse(t.out().trim());
    com.nimbusds.jose.jwk.JWKSet set = com.nimbusds.jose.jwk.JWKSet.load(jwks.toFile());
    assertFalse(set.getKeys().get(0).isPrivate(), "the JWKS holds the public key only");
    assertTrue(jwt.verify(new com.nimbusds.jose.crypto.Ed25519Verifier(set.getKeys().get(0).toOctetKeyPair())));
    assertEquals("carol", jwt.getJWTClaimsSet().getSubject());
    assertEquals(java.util.List.of("approver", "auditor"), jwt.getJWTClaimsSet().getStringListClaim("writ_roles"));
    assertEquals(java.util.List.of("pwd", "otp"), jwt.getJWTClaimsSet().getStringListClaim("amr"));
    long ttl = jwt.getJWTClaimsSet().getExpirationTime().getTime() - jwt.getJWTClaimsSet().getIssueTime().getTime();
    assertEquals(300_000, ttl);
    Run bad = writ("token", "sign", "--key", jwks.toString(), "--issuer", "i", "--audience", "a", "--subject", "s");
    assertEquals(2, bad.code());
    assertTrue(bad.err().contains("not a private Ed25519 JWK"), bad.err());
  }

  @Test
  void bundleRefusesPoliciesWithErrors() throws IOException {
    Files.writeString(policies.resolve("bad.policy"), "grant g { principal Nobody ttl 1h }\n");
    Run r = writ("bundle", policies.toString(), "-o", dir.resolve("x.wbundle").toString());
    assertEquals(1, r.code());
    assertTrue(r.err().contains("name.unknown-type") && r.err().contains("no bundle written"), r.err());
    assertFalse(Files.exists(dir.resolve("x.wbundle")));
  }

  private static JsonNode json(String s) throws IOException {
    return new ObjectMapper().readTree(s.getBytes(StandardCharsets.UTF_8));
  }
}
