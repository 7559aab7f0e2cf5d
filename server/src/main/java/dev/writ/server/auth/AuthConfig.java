package dev.writ.server.auth;

import dev.writ.engine.json.DataDocument;
import dev.writ.engine.json.DataException;
import dev.writ.engine.json.DataNode;
import dev.writ.engine.value.EntityUid;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import javax.security.auth.x500.X500Principal;

/**
 * The {@code --auth} file: which bearer tokens and which client certificates the service
 * accepts, the principal each maps to and its roles (docs/server.md, "Callers"). Paths in it
 * are relative to the file. Read once at start; the JWKS files it names are re-read when they
 * change.
 */
public record AuthConfig(Path file, List<TokenIssuer> tokens, List<CertificateRule> certificates) {
  private static final Set<String> TOP = Set.of("tokens", "certificates");
  private static final Set<String> TOKEN_FIELDS = Set.of("issuer", "audience", "jwks", "principal", "roles_claim",
      "roles");
  private static final Set<String> CERT_FIELDS = Set.of("uri", "subject", "principal", "roles");

  public AuthConfig {
    tokens = List.copyOf(tokens);
    certificates = List.copyOf(certificates);
  }

  /**
   * Bearer tokens of one issuer.
   *
   * @param audiences  accepted {@code aud} values (one must be in the token's)
   * @param rolesClaim a claim holding a list of role names (or a space-separated string), if any
   * @param roles      roles every token of this issuer has
   */
  public record TokenIssuer(String issuer, List<String> audiences, Path jwks, PrincipalTemplate principal,
                            Optional<String> rolesClaim, Set<Role> roles) {
    public TokenIssuer {
      audiences = List.copyOf(audiences);
      roles = Set.copyOf(roles);
    }
  }

  /** A client certificate, by URI SAN (e.g. a SPIFFE ID) or by subject, and what it maps to. */
  public record CertificateRule(Optional<String> uri, Optional<X500Principal> subject, EntityUid principal,
                                Set<Role> roles) {
    public CertificateRule {
      roles = Set.copyOf(roles);
    }

    /** How the rule names the certificate, for the log and the trail. */
    public String describe() {
      return uri.orElseGet(() -> subject.map(X500Principal::getName).orElse("?"));
    }
  }

  /**
   * {@code Type::text} where the text may name claims in braces: {@code Employee::{sub}}. The
   * type is fixed, so a claim can never choose what kind of entity the caller is.
   */
  public record PrincipalTemplate(String type, String id) {
    /** The principal for a token's claims; empty when a named claim is missing or not a string. */
    public Optional<EntityUid> resolve(Function<String, Optional<String>> claim) {
      StringBuilder out = new StringBuilder();
      int i = 0;
      while (i < id.length()) {
        int open = id.indexOf('{', i);
        if (open < 0) {
          out.append(id, i, id.length());
          break;
        }
        out.append(id, i, open);
        int close = id.indexOf('}', open);
        Optional<String> v = claim.apply(id.substring(open + 1, close));
        if (v.isEmpty() || v.get().isEmpty()) {
          return Optional.empty();
        }
        out.append(v.get());
        i = close + 1;
      }
      return Optional.of(new EntityUid(type, out.toString()));
    }

    static PrincipalTemplate parse(DataNode n) {
      String text = n.string();
      int sep = text.indexOf("::");
      if (sep <= 0 || sep + 2 == text.length()) {
        throw n.error("`" + text + "` is not a principal template; write `Type::{claim}`, e.g. `Employee::{sub}`");
      }
      String type = text.substring(0, sep);
      try {
        EntityUid.parse(type + "::x");
      } catch (IllegalArgumentException e) {
        throw n.error("`" + type + "` is not a type name");
      }
      String id = text.substring(sep + 2);
      int depth = 0;
      for (int i = 0; i < id.length(); i++) {
        char c = id.charAt(i);
        if (c == '{') {
          depth++;
        } else if (c == '}') {
          depth--;
        }
        if (depth < 0 || depth > 1 || (c == '}' && id.charAt(i - 1) == '{')) {
          throw n.error("`" + text + "`: braces name one claim each, e.g. `{sub}`");
        }
      }
      if (depth != 0) {
        throw n.error("`" + text + "`: an unclosed `{`");
      }
      return new PrincipalTemplate(type, id);
    }
  }

  /**
   * Reads and checks the file.
   *
   * @throws DataException naming the file, line and field of the first problem
   */
  public static AuthConfig load(Path file) {
    DataNode root = DataNode.root(DataDocument.read(file)).requireObject().onlyFields(TOP);
    Path dir = file.toAbsolutePath().getParent();
    List<TokenIssuer> tokens = new ArrayList<>();
    for (DataNode t : list(root.field("tokens"))) {
      t.requireObject().onlyFields(TOKEN_FIELDS);
      String issuer = t.required("issuer").string();
      if (issuer.isBlank()) {
        throw t.field("issuer").error("an issuer cannot be empty");
      }
      if (tokens.stream().anyMatch(x -> x.issuer().equals(issuer))) {
        throw t.field("issuer").error("issuer `" + issuer + "` is listed twice");
      }
      List<String> audiences = new ArrayList<>();
      for (DataNode a : t.required("audience").elementsOrOne()) {
        String aud = a.string();
        if (aud.isBlank()) {
          throw a.error("an audience cannot be empty");
        }
        audiences.add(aud);
      }
      if (audiences.isEmpty()) {
        throw t.field("audience").error("name at least one audience");
      }
      Path jwks = dir.resolve(t.required("jwks").string());
      PrincipalTemplate principal = PrincipalTemplate.parse(t.required("principal"));
      Optional<String> rolesClaim = t.field("roles_claim").optString();
      tokens.add(new TokenIssuer(issuer, audiences, jwks, principal, rolesClaim, roles(t.field("roles"))));
    }
    List<CertificateRule> certs = new ArrayList<>();
    for (DataNode c : list(root.field("certificates"))) {
      c.requireObject().onlyFields(CERT_FIELDS);
      Optional<String> uri = c.field("uri").optString();
      Optional<X500Principal> subject = Optional.empty();
      DataNode subjectNode = c.field("subject");
      if (!subjectNode.isMissing()) {
        try {
          subject = Optional.of(new X500Principal(subjectNode.string()));
        } catch (IllegalArgumentException e) {
          throw subjectNode.error("`" + subjectNode.string() + "` is not a distinguished name such as `CN=agent-gateway`");
        }
      }
      if (uri.isPresent() == subject.isPresent()) {
        throw c.error("name the certificate by `uri` (a URI SAN such as a SPIFFE ID) or by `subject`, one of them");
      }
      EntityUid principal;
      try {
        principal = EntityUid.parse(c.required("principal").string());
      } catch (IllegalArgumentException e) {
        throw c.field("principal").error(e.getMessage());
      }
      certs.add(new CertificateRule(uri, subject, principal, roles(c.field("roles"))));
    }
    if (tokens.isEmpty() && certs.isEmpty()) {
      throw root.error("lists no `tokens` and no `certificates`, so nobody could call; "
          + "to run without authentication, leave --auth out");
    }
    return new AuthConfig(file, tokens, certs);
  }

  private static List<DataNode> list(DataNode n) {
    return n.isMissing() ? List.of() : n.elements();
  }

  private static Set<Role> roles(DataNode n) {
    Set<Role> out = EnumSet.noneOf(Role.class);
    if (n.isMissing()) {
      return out;
    }
    for (DataNode r : n.elementsOrOne()) {
      String name = r.string();
      out.add(Role.parse(name).orElseThrow(() -> r.error("`" + name + "` is not a role; roles are "
          + String.join(", ", java.util.Arrays.stream(Role.values()).map(Role::json).toList()))));
    }
    return out;
  }
}
