package dev.writ.cli;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.Ed25519Signer;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.gen.OctetKeyPairGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.writ.language.vocab.Durations;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.ParseException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code writ token}: a stand-in identity provider for trying {@code writ serve --auth} and for
 * tests: an Ed25519 signing key with its JWKS, and bearer tokens signed with it. In production
 * the tokens come from the organisation's IdP and the JWKS from its {@code jwks_uri}.
 */
@Command(name = "token", mixinStandardHelpOptions = true,
    description = "A stand-in identity provider for trying `writ serve --auth`: make a signing key and its JWKS, "
        + "and sign bearer tokens (production tokens come from your IdP).",
    subcommands = {TokenCommand.Keygen.class, TokenCommand.Sign.class})
final class TokenCommand implements Runnable {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "say `writ token keygen` or `writ token sign`");
  }

  @Command(name = "keygen", mixinStandardHelpOptions = true,
      description = "Generate an Ed25519 signing key (a private JWK) and the JWKS that `--auth` names.")
  static final class Keygen implements Callable<Integer> {
    @Option(names = "--key", required = true, paramLabel = "FILE", description = "Where to write the private key "
        + "(JWK; keep it secret).")
    Path key;

    @Option(names = "--jwks", required = true, paramLabel = "FILE", description = "Where to write the public JWKS.")
    Path jwks;

    @Option(names = "--kid", paramLabel = "ID", defaultValue = "writ-dev-1",
        description = "The key's id (default: ${DEFAULT-VALUE}).")
    String kid;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      if (Files.exists(key)) {
        throw new UserError(key + " exists; a signing key is never overwritten (remove it first)");
      }
      OctetKeyPair pair;
      try {
        pair = new OctetKeyPairGenerator(Curve.Ed25519).keyID(kid).generate();
      } catch (JOSEException e) {
        throw new UserError("cannot generate an Ed25519 key: " + e.getMessage());
      }
      write(key, pair.toJSONString());
      write(jwks, new JWKSet(pair.toPublicJWK()).toString());
      spec.commandLine().getOut().println("wrote signing key " + key + " (keep it secret) and JWKS " + jwks);
      return Writ.EXIT_OK;
    }
  }

  @Command(name = "sign", mixinStandardHelpOptions = true,
      description = "Print a bearer token (a JWT signed with EdDSA) for `Authorization: Bearer ...`.")
  static final class Sign implements Callable<Integer> {
    @Option(names = "--key", required = true, paramLabel = "FILE", description = "The private JWK of `token keygen`.")
    Path key;

    @Option(names = "--issuer", required = true, paramLabel = "URL", description = "The `iss` claim.")
    String issuer;

    @Option(names = "--audience", required = true, paramLabel = "AUD", description = "The `aud` claim.")
    String audience;

    @Option(names = "--subject", required = true, paramLabel = "SUB", description = "The `sub` claim (the caller).")
    String subject;

    @Option(names = "--roles", split = ",", paramLabel = "ROLE", description = "Role names for the roles claim "
        + "(comma-separated).")
    List<String> roles = new ArrayList<>();

    @Option(names = "--roles-claim", paramLabel = "NAME", defaultValue = "writ_roles",
        description = "The claim the roles go in (default: ${DEFAULT-VALUE}).")
    String rolesClaim;

    @Option(names = "--mfa", description = "Say the caller used a second factor (`amr: [pwd, otp]`).")
    boolean mfa;

    @Option(names = "--ttl", paramLabel = "DURATION", defaultValue = "1h",
        description = "How long the token is valid (default: ${DEFAULT-VALUE}).")
    String ttl;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      long seconds;
      try {
        seconds = Durations.parse(ttl);
      } catch (Durations.InvalidDuration e) {
        throw new UserError("--ttl: " + e.getMessage());
      }
      OctetKeyPair pair;
      try {
        JWK jwk = JWK.parse(Files.readString(key, StandardCharsets.UTF_8));
        if (!(jwk instanceof OctetKeyPair okp) || !okp.isPrivate() || !Curve.Ed25519.equals(okp.getCurve())) {
          throw new UserError(key + ": not a private Ed25519 JWK (make one with `writ token keygen`)");
        }
        pair = okp;
      } catch (IOException e) {
        throw new UserError(key + ": cannot read: " + e.getMessage());
      } catch (ParseException e) {
        throw new UserError(key + ": not a private Ed25519 JWK (make one with `writ token keygen`): "
            + e.getMessage());
      }
      Instant now = Instant.now();
      JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder().issuer(issuer).audience(audience).subject(subject)
          .issueTime(Date.from(now)).notBeforeTime(Date.from(now)).expirationTime(Date.from(now.plusSeconds(seconds)));
      if (!roles.isEmpty()) {
        claims.claim(rolesClaim, roles);
      }
      if (mfa) {
        claims.claim("amr", List.of("pwd", "otp"));
      }
      SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.EdDSA).keyID(pair.getKeyID()).build(),
          claims.build());
      try {
        jwt.sign(new Ed25519Signer(pair));
      } catch (JOSEException e) {
        throw new UserError("cannot sign: " + e.getMessage());
      }
      PrintWriter out = spec.commandLine().getOut();
      out.println(jwt.serialize());
      return Writ.EXIT_OK;
    }
  }

  private static void write(Path file, String text) {
    try {
      if (file.toAbsolutePath().getParent() != null) {
        Files.createDirectories(file.toAbsolutePath().getParent());
      }
      Files.writeString(file, text + "\n", StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UserError(file + ": cannot write: " + e.getMessage());
    }
  }
}
