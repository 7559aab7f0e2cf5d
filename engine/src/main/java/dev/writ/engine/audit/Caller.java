package dev.writ.engine.audit;

import dev.writ.engine.value.EntityUid;
import java.util.Objects;

/**
 * Who made the call that caused an audit event, as the enforcement service authenticated it:
 * the caller's principal and the credential that proved it. Recorded on every event a call
 * causes, so the trail names the control point (the gateway that checked an action, the
 * approver who approved) and not only the principal a request was about.
 */
public sealed interface Caller permits Caller.Token, Caller.Certificate {
  /** The entity the credential maps to ({@code Employee::alice}, {@code Workload::agent-gateway}). */
  EntityUid principal();

  /** Authenticated by an OAuth 2.0 bearer token: its issuer ({@code iss}) and subject ({@code sub}). */
  record Token(EntityUid principal, String issuer, String subject) implements Caller {
    public Token {
      Objects.requireNonNull(principal, "principal");
      Objects.requireNonNull(issuer, "issuer");
      Objects.requireNonNull(subject, "subject");
    }
  }

  /** Authenticated by a client certificate: its identity (a URI SAN such as a SPIFFE ID, or the subject). */
  record Certificate(EntityUid principal, String identity) implements Caller {
    public Certificate {
      Objects.requireNonNull(principal, "principal");
      Objects.requireNonNull(identity, "identity");
    }
  }
}
