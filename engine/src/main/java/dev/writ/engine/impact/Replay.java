package dev.writ.engine.impact;

import dev.writ.engine.entity.EntityStore;
import dev.writ.engine.eval.DecideOptions;
import dev.writ.engine.request.AccessRequest;

/**
 * One request to decide under the old and the new policies, as it was made.
 *
 * @param where       where it came from, for the report ({@code trail seq 12 (g-000003)}, {@code requests.jsonl:4}, a suite case)
 * @param options     its time and, for a delegated request, the delegator's remaining time
 * @param delegated   a delegated request: a pending answer counts as a deny, as the runtime gives it
 * @param grant       the grant it was for (trail replays), or null
 * @param oldEntities the entity data read against the old policies' schema
 * @param newEntities the same data read against the new policies' schema
 */
public record Replay(String where, AccessRequest request, DecideOptions options, boolean delegated, String grant,
                     EntityStore oldEntities, EntityStore newEntities) {}
