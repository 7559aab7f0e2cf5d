package dev.writ.engine.impact;

import dev.writ.engine.decision.Outcome;
import dev.writ.engine.value.EntityUid;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a policy change changes, over a set of replayed requests.
 *
 * @param replayed     requests decided under both policies
 * @param changes      the requests decided differently, in replay order
 * @param undecided    requests that neither side could decide (unknown entities, say): not compared
 * @param byDirection  how many changed requests have a difference in each direction (a request that widens one
 *     thing and narrows another counts in both); every direction is present
 * @param byRule       per responsible rule, how many changed requests in each direction, by rule name
 * @param revoked      grants active at the end of the trail that the new policies would not issue
 */
public record ImpactReport(int replayed, List<RequestChange> changes, List<Undecided> undecided,
                           Map<Direction, Integer> byDirection, List<RuleImpact> byRule, List<RevokedGrant> revoked) {
  public ImpactReport {
    changes = List.copyOf(changes);
    undecided = List.copyOf(undecided);
    byDirection = Map.copyOf(byDirection);
    byRule = List.copyOf(byRule);
    revoked = List.copyOf(revoked);
  }

  public boolean empty() {
    return changes.isEmpty() && revoked.isEmpty();
  }

  public boolean widens() {
    return changes.stream().anyMatch(RequestChange::widens);
  }

  /** A request that could not be decided under either policy. */
  public record Undecided(String where, String problem) {}

  /** One rule's share of the changes. */
  public record RuleImpact(String rule, int widened, int narrowed, int other) {}

  /**
   * A grant active at the end of the trail that shipping the change would take away: the new
   * policies deny its request or leave it pending, or it was delegated from such a grant (a
   * revocation cascades to delegated grants).
   *
   * @param now           the new policies' decision on its request; empty when it goes by cascade
   * @param delegatedFrom the ancestor it goes with; empty when its own request is refused
   */
  public record RevokedGrant(String grant, EntityUid principal, List<String> actions, EntityUid resource,
                             Optional<Outcome> now, Optional<String> delegatedFrom) {
    public RevokedGrant {
      actions = List.copyOf(actions);
    }
  }
}
