package dev.writ.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the service refuses to start with: an open service off loopback, an unusable --auth file. */
class StartupSecurityTest {
  @TempDir
  Path dir;

  private ServerStartException refusedWith(ServerConfig config) throws Exception {
    Files.createDirectories(dir.resolve("p"));
    Files.copy(Path.of(getClass().getResource("/policies/schema.policy").toURI()), dir.resolve("p/schema.policy"));
    return assertThrows(ServerStartException.class, () -> WritServer.start(config.withPort(0)
        .withDataDir(dir.resolve("data")), PolicySource.policies(dir.resolve("p"))).close());
  }

  @Test
  void anOpenServiceOffLoopbackNeedsInsecureOpen() throws Exception {
    ServerStartException e = refusedWith(ServerConfig.defaults().withHost("0.0.0.0"));
    assertTrue(e.getMessage().startsWith("refusing to serve 0.0.0.0 without --auth"), e.getMessage());
    assertTrue(e.getMessage().contains("--insecure-open"));
    assertTrue(WritServer.isLoopback("127.0.0.1") && WritServer.isLoopback("localhost") && WritServer.isLoopback("::1"));
    assertTrue(!WritServer.isLoopback("0.0.0.0") && !WritServer.isLoopback("no-such-host.invalid"));
  }

  @Test
  void anAuthFileNamesItsProblem() throws Exception {
    Path auth = dir.resolve("auth.yaml");
    Files.writeString(auth, """
        tokens:
          - issuer: "https://idp"
            audience: writ
            jwks: jwks.json
            principal: "Employee::{sub}"
            roles: [requester, superuser]
        """);
    ServerStartException e = refusedWith(ServerConfig.defaults().withAuthFile(Optional.of(auth)));
    assertEquals("--auth " + auth + ":6: tokens[0].roles[1]: `superuser` is not a role; roles are enforcer, "
        + "requester, approver, auditor, admin", e.getMessage());
  }

  @Test
  void aMissingJwksFileIsNamed() throws Exception {
    Path auth = dir.resolve("auth.yaml");
    Files.writeString(auth, "tokens: [{issuer: i, audience: writ, jwks: keys.json, principal: \"Employee::{sub}\"}]\n");
    ServerStartException e = refusedWith(ServerConfig.defaults().withAuthFile(Optional.of(auth)));
    assertTrue(e.getMessage().startsWith("--auth " + auth + ": " + dir.resolve("keys.json") + ": cannot read"),
        e.getMessage());
  }

  @Test
  void certificatesNeedMutualTls() throws Exception {
    Path auth = dir.resolve("auth.yaml");
    Files.writeString(auth, "certificates: [{uri: \"spiffe://acme/gw\", principal: Workload::gw, roles: [enforcer]}]\n");
    ServerStartException e = refusedWith(ServerConfig.defaults().withAuthFile(Optional.of(auth)));
    assertTrue(e.getMessage().contains("give --tls-cert, --tls-key and --client-ca"), e.getMessage());
  }

  @Test
  void aTemplateMustNameItsType() throws Exception {
    Path auth = dir.resolve("auth.yaml");
    Files.writeString(auth, "tokens: [{issuer: i, audience: writ, jwks: k.json, principal: \"{sub}\"}]\n");
    ServerStartException e = refusedWith(ServerConfig.defaults().withAuthFile(Optional.of(auth)));
    assertTrue(e.getMessage().contains("tokens[0].principal: `{sub}` is not a principal template"), e.getMessage());
  }
}
