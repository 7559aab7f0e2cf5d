package dev.writ.engine.grant;

import java.time.Instant;

/** Where a grant is in its life: pending approval, active, or ended (expired, revoked, denied). */
public sealed interface GrantState permits GrantState.Pending, GrantState.Active, GrantState.Expired,
    GrantState.Revoked, GrantState.Denied {

  enum Kind { PENDING, ACTIVE, EXPIRED, REVOKED, DENIED }

  Kind kind();

  default boolean isEnded() {
    return kind() == Kind.EXPIRED || kind() == Kind.REVOKED || kind() == Kind.DENIED;
  }

  record Pending() implements GrantState {
    @Override
    public Kind kind() {
      return Kind.PENDING;
    }
  }

  record Active() implements GrantState {
    @Override
    public Kind kind() {
      return Kind.ACTIVE;
    }
  }

  record Expired(Instant at) implements GrantState {
    @Override
    public Kind kind() {
      return Kind.EXPIRED;
    }
  }

  /**
   * @param reason {@code manual} (or the reason a caller gave), {@code drift}, {@code cascade},
   *               {@code offboarded} or {@code task-ended}
   */
  record Revoked(Instant at, String reason) implements GrantState {
    @Override
    public Kind kind() {
      return Kind.REVOKED;
    }
  }

  /** A pending request that, decided again on an approval, came out deny. */
  record Denied(Instant at) implements GrantState {
    @Override
    public Kind kind() {
      return Kind.DENIED;
    }
  }
}
