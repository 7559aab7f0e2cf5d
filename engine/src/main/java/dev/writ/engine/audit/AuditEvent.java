package dev.writ.engine.audit;

import dev.writ.engine.decision.Outcome;
import dev.writ.engine.decision.PendingApproval;
import dev.writ.engine.request.AccessRequest;
import dev.writ.engine.value.EntityUid;
import dev.writ.engine.value.Value;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The events of the audit trail (docs/suites.md, "audit"): what was requested, decided, approved,
 * granted, delegated, done, drifted, narrowed, revoked and expired. Every event carries the same header, so the
 * trail explains any action: its grant, task, principal and chain, approvers, policies and the
 * bundle revision. The trail is also the log from which grants are rebuilt after a restart, so
 * events that create state carry all of it.
 */
public sealed interface AuditEvent permits AuditEvent.Requested, AuditEvent.Decided, AuditEvent.Approved,
    AuditEvent.Granted, AuditEvent.Delegated, AuditEvent.ActionChecked, AuditEvent.Drift, AuditEvent.Revoked,
    AuditEvent.Expired, AuditEvent.Narrowed {

  enum Type {
    REQUESTED, DECIDED, APPROVED, GRANTED, DELEGATED, ACTION, DRIFT, REVOKED, EXPIRED, NARROWED;

    public String json() {
      return name().toLowerCase();
    }

    public static Type parse(String s) {
      for (Type t : values()) {
        if (t.json().equals(s)) {
          return t;
        }
      }
      return null;
    }
  }

  Header header();

  Type type();

  /**
   * What every event says. {@code intent} is null for a grant without a task; {@code caller} is
   * null when no authenticated call caused the event (in-process use, an open service, fixture
   * suites, the expiry sweep).
   */
  record Header(Instant time, String grant, String parent, String intent, Map<String, Value> params,
                EntityUid principal, List<EntityUid> chain, List<EntityUid> approvers, List<String> policies,
                String revision, Caller caller) {
    public Header {
      params = params == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(params)); // request's order
      chain = List.copyOf(chain);
      approvers = List.copyOf(approvers);
      policies = List.copyOf(policies);
    }

    /** A header of an event no authenticated call caused. */
    public Header(Instant time, String grant, String parent, String intent, Map<String, Value> params,
                  EntityUid principal, List<EntityUid> chain, List<EntityUid> approvers, List<String> policies,
                  String revision) {
      this(time, grant, parent, intent, params, principal, chain, approvers, policies, revision, null);
    }
  }

  /** An access request was made (with all of it, so a pending request can be decided again). */
  record Requested(Header header, List<String> actions, EntityUid resource, Value.RecordV context,
                   Long durationSeconds, List<AccessRequest.Approval> approvals) implements AuditEvent {
    @Override
    public Type type() {
      return Type.REQUESTED;
    }
  }

  /** The decision on a request, on a request decided again after an approval, or on a delegation. */
  record Decided(Header header, Outcome decision, Long ttlSeconds, boolean standing, List<String> forbids,
                 List<PendingApproval> pending, List<String> reasons) implements AuditEvent {
    @Override
    public Type type() {
      return Type.DECIDED;
    }
  }

  /** An approval of a pending request; {@code counted} is false for a non-member or a self-approval. */
  record Approved(Header header, EntityUid by, boolean counted) implements AuditEvent {
    @Override
    public Type type() {
      return Type.APPROVED;
    }
  }

  /** A grant was issued: everything it is. */
  record Granted(Header header, List<String> actions, EntityUid resource, Value.RecordV context, Instant requestedAt,
                 Long requestedDuration, List<AccessRequest.Approval> approvals, Instant issuedAt,
                 Instant expiresAt) implements AuditEvent {
    @Override
    public Type type() {
      return Type.GRANTED;
    }
  }

  /** A grant was passed down: {@code header.grant} is the child, {@code header.parent} the parent. */
  record Delegated(Header header, EntityUid to, List<String> actions) implements AuditEvent {
    @Override
    public Type type() {
      return Type.DELEGATED;
    }
  }

  /** An action fact and its answer ({@code allow}, {@code deny} or {@code revoke}). */
  record ActionChecked(Header header, String action, EntityUid resource, Answer answer, boolean drift,
                       List<String> reasons) implements AuditEvent {
    @Override
    public Type type() {
      return Type.ACTION;
    }
  }

  /** An action outside the grant's intent envelope, recorded before anything it causes. */
  record Drift(Header header, String action, EntityUid resource, Mode mode) implements AuditEvent {
    /** What the intent's {@code on drift} says: deny the action, or revoke the grant. */
    public enum Mode {
      DENY, REVOKE;

      public String json() {
        return name().toLowerCase(java.util.Locale.ROOT);
      }

      /** The mode written as {@code s}, or null. */
      public static Mode parse(String s) {
        for (Mode m : values()) {
          if (m.json().equals(s)) {
            return m;
          }
        }
        return null;
      }
    }

    @Override
    public Type type() {
      return Type.DRIFT;
    }
  }

  /**
   * @param reason {@code manual} (or the reason a caller gave), {@code drift}, {@code cascade},
   *               {@code offboarded} or {@code task-ended}
   * @param detail what the caller said about it (a task end's reason, such as "INC-4712 closed"); null: nothing
   */
  record Revoked(Header header, String reason, String detail) implements AuditEvent {
    /** A revocation whose reason says it all. */
    public Revoked(Header header, String reason) {
      this(header, reason, null);
    }

    @Override
    public Type type() {
      return Type.REVOKED;
    }
  }

  /**
   * A live grant kept fewer actions or an earlier expiry (never more, never later): what it held
   * before and holds after, and why ({@code cascade} when an ancestor was narrowed).
   *
   * @param expiresBefore null: it was standing
   * @param expiresAt     null: it is still standing
   */
  record Narrowed(Header header, List<String> actionsBefore, Instant expiresBefore, List<String> actions,
                  Instant expiresAt, String reason) implements AuditEvent {
    public Narrowed {
      actionsBefore = List.copyOf(actionsBefore);
      actions = List.copyOf(actions);
    }

    @Override
    public Type type() {
      return Type.NARROWED;
    }
  }

  /** A grant's expiry, recorded once, when first observed. */
  record Expired(Header header, Instant expiresAt) implements AuditEvent {
    @Override
    public Type type() {
      return Type.EXPIRED;
    }
  }
}
