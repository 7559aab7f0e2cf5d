package dev.writ.engine.decision;

import dev.writ.engine.value.EntityUid;

/** An unmet approval requirement: {@code policy} needs {@code required} approvals from members of {@code from}. */
public record PendingApproval(String policy, EntityUid from, long required, long missing) {}
