package dev.writ.engine.impact;

import dev.writ.engine.decision.Decision;
import dev.writ.engine.decision.Obligation;
import dev.writ.engine.decision.Outcome;
import dev.writ.engine.decision.PendingApproval;
import dev.writ.engine.eval.Authorizer;
import dev.writ.engine.eval.BadRequestException;
import dev.writ.engine.grant.Grant;
import dev.writ.engine.grant.GrantRuntime;
import dev.writ.engine.request.AccessRequest;
import dev.writ.language.vocab.Durations;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Decides each replayed request under the old and the new policies and says what changed:
 * the decision (deny &lt; pending &lt; permit), the outcome of each of several actions, the
 * ttl of a permit, the approvals needed and the obligations, with the rules responsible on
 * each side. Stateless and thread-safe (the authorizers are).
 */
public final class ImpactAnalyzer {
  private final Authorizer before;
  private final Authorizer after;

  public ImpactAnalyzer(Authorizer before, Authorizer after) {
    this.before = before;
    this.after = after;
  }

  /** A side's answer: a decision, or the reason the request could not be decided there. */
  private record Side(Decision decision, String refusal) {}

  /** The old and the new answer to one replay. */
  public record Compared(Replay replay, Decision before, Decision after, Optional<RequestChange> change,
                         String undecided) {}

  /** Decides one request on both sides; the change is empty when nothing differs. */
  public Compared compare(Replay r) {
    Side o = decide(before, r, r.oldEntities());
    Side n = decide(after, r, r.newEntities());
    if (o.refusal() != null && n.refusal() != null) {
      String problem = o.refusal().equals(n.refusal()) ? o.refusal()
          : "old policies: " + o.refusal() + "; new policies: " + n.refusal();
      return new Compared(r, null, null, Optional.empty(), problem);
    }
    Decision od = o.decision() != null ? o.decision() : refused(r.request(), o.refusal());
    Decision nd = n.decision() != null ? n.decision() : refused(r.request(), n.refusal());
    List<Difference> differences = differences(r.request(), od, nd);
    if (differences.isEmpty()) {
      return new Compared(r, od, nd, Optional.empty(), null);
    }
    Set<String> oldRules = rules(od);
    Set<String> newRules = rules(nd);
    List<String> stopped = oldRules.stream().filter(x -> !newRules.contains(x)).toList();
    List<String> started = newRules.stream().filter(x -> !oldRules.contains(x)).toList();
    List<String> kept = oldRules.stream().filter(newRules::contains).toList();
    return new Compared(r, od, nd, Optional.of(new RequestChange(r.where(), r.request(), od, nd, differences, stopped,
        started, kept)), null);
  }

  /** Replays every request; {@code active} are the grants active at the end of the trail (empty otherwise). */
  public ImpactReport analyze(Iterable<Replay> replays, List<Grant> active, Map<String, List<Grant>> descendants) {
    int replayed = 0;
    List<RequestChange> changes = new ArrayList<>();
    List<ImpactReport.Undecided> undecided = new ArrayList<>();
    Map<String, Compared> lastByGrant = new HashMap<>();
    for (Replay r : replays) {
      Compared c = compare(r);
      if (c.undecided() != null) {
        undecided.add(new ImpactReport.Undecided(r.where(), c.undecided()));
        continue;
      }
      replayed++;
      c.change().ifPresent(changes::add);
      if (r.grant() != null) {
        lastByGrant.put(r.grant(), c); // the last decision on a grant's request is the one that issued it
      }
    }
    return new ImpactReport(replayed, changes, undecided, byDirection(changes), byRule(changes),
        revoked(active, descendants, lastByGrant));
  }

  // ---- one request -----------------------------------------------------------------------

  private static Side decide(Authorizer a, Replay r, dev.writ.engine.entity.EntityStore entities) {
    try {
      Decision d = a.decide(r.request(), entities, r.options());
      return new Side(r.delegated() ? GrantRuntime.asDelegation(d) : d, null);
    } catch (BadRequestException e) {
      return new Side(null, e.getMessage());
    }
  }

  /** A request one side cannot decide (an action its schema lacks, say) is denied there. */
  private static Decision refused(AccessRequest request, String refusal) {
    Map<String, Outcome> actions = new LinkedHashMap<>();
    request.actions().forEach(a -> actions.put(a, Outcome.DENY));
    return Decision.deny(actions, List.of("bad request: " + refusal));
  }

  private static int rank(Outcome o) {
    return switch (o) {
      case DENY -> 0;
      case PENDING -> 1;
      case PERMIT -> 2;
    };
  }

  private static Direction direction(int before, int after) {
    return after > before ? Direction.WIDENED : Direction.NARROWED;
  }

  /** What differs between two decisions on the same request, decision first. */
  static List<Difference> differences(AccessRequest request, Decision o, Decision n) {
    List<Difference> out = new ArrayList<>();
    if (o.decision() != n.decision()) {
      out.add(new Difference(Difference.Aspect.DECISION, direction(rank(o.decision()), rank(n.decision())), "",
          o.decision().json(), n.decision().json()));
    }
    if (request.actions().size() > 1) {
      Set<String> actions = new LinkedHashSet<>(o.actions().keySet());
      actions.addAll(n.actions().keySet());
      for (String a : actions) {
        Outcome x = o.actions().getOrDefault(a, Outcome.DENY);
        Outcome y = n.actions().getOrDefault(a, Outcome.DENY);
        if (x != y) {
          out.add(new Difference(Difference.Aspect.ACTION, direction(rank(x), rank(y)), a, x.json(), y.json()));
        }
      }
    }
    if (o.permitted() && n.permitted()) {
      long x = lifetime(o);
      long y = lifetime(n);
      if (x != y) {
        out.add(new Difference(Difference.Aspect.TTL, y > x ? Direction.WIDENED : Direction.NARROWED, "", ttl(o),
            ttl(n)));
      }
    }
    // Approvals matter while access is to be had: against a deny (which lists the approvals of a
    // grant that a forbid overrode, say), "no longer needed" would read as a widening.
    boolean reachable = o.decision() != Outcome.DENY && n.decision() != Outcome.DENY;
    List<String> oldApprovals = reachable ? approvals(o) : List.of();
    List<String> newApprovals = reachable ? approvals(n) : List.of();
    for (String a : minus(newApprovals, oldApprovals)) {
      out.add(new Difference(Difference.Aspect.APPROVALS, Direction.NARROWED, a, "not needed", "needed"));
    }
    for (String a : minus(oldApprovals, newApprovals)) {
      out.add(new Difference(Difference.Aspect.APPROVALS, Direction.WIDENED, a, "needed", "not needed"));
    }
    // Obligations come with a permit; when the decision changed, that difference says it all.
    List<String> oldObligations = o.permitted() && n.permitted() ? obligations(o) : List.of();
    List<String> newObligations = o.permitted() && n.permitted() ? obligations(n) : List.of();
    for (String a : minus(newObligations, oldObligations)) {
      out.add(new Difference(Difference.Aspect.OBLIGATIONS, Direction.OTHER, a, "absent", "present"));
    }
    for (String a : minus(oldObligations, newObligations)) {
      out.add(new Difference(Difference.Aspect.OBLIGATIONS, Direction.OTHER, a, "present", "absent"));
    }
    return out;
  }

  /** The issued duration of a permit; standing is longer than any. */
  private static long lifetime(Decision d) {
    return d.standing() ? Long.MAX_VALUE : d.ttlSeconds().orElse(Long.MAX_VALUE);
  }

  static String ttl(Decision d) {
    return d.standing() || d.ttlSeconds().isEmpty() ? "standing" : Durations.format(d.ttlSeconds().get());
  }

  private static List<String> approvals(Decision d) {
    List<String> out = new ArrayList<>();
    for (PendingApproval p : d.pending()) {
      out.add(p.required() + " from " + p.from());
    }
    return out;
  }

  private static List<String> obligations(Decision d) {
    List<String> out = new ArrayList<>();
    for (Obligation ob : d.obligations()) {
      out.add(ob.value() == null ? ob.name() : ob.name() + "=" + ob.value());
    }
    return out;
  }

  /** The elements of {@code a} not in {@code b}, as multisets (each of {@code b} cancels one of {@code a}). */
  private static List<String> minus(List<String> a, List<String> b) {
    List<String> rest = new ArrayList<>(b);
    List<String> out = new ArrayList<>();
    for (String x : a) {
      if (!rest.remove(x)) {
        out.add(x);
      }
    }
    return out;
  }

  /** The rules that decided: grants satisfied, forbids that applied, grants waiting for approval. */
  private static Set<String> rules(Decision d) {
    Set<String> out = new LinkedHashSet<>(d.policies());
    out.addAll(d.forbids());
    d.pending().forEach(p -> out.add(p.policy()));
    return out;
  }

  // ---- the summary -------------------------------------------------------------------------

  private static Map<Direction, Integer> byDirection(List<RequestChange> changes) {
    Map<Direction, Integer> out = new EnumMap<>(Direction.class);
    for (Direction d : Direction.values()) {
      out.put(d, 0);
    }
    for (RequestChange c : changes) {
      c.directions().forEach(d -> out.merge(d, 1, Integer::sum));
    }
    return out;
  }

  private static List<ImpactReport.RuleImpact> byRule(List<RequestChange> changes) {
    Map<String, int[]> counts = new TreeMap<>();
    for (RequestChange c : changes) {
      Set<Direction> ds = c.directions();
      for (String rule : new LinkedHashSet<>(c.responsibleRules())) {
        int[] n = counts.computeIfAbsent(rule, k -> new int[3]);
        ds.forEach(d -> n[d.ordinal()]++);
      }
    }
    List<ImpactReport.RuleImpact> out = new ArrayList<>();
    counts.forEach((rule, n) -> out.add(new ImpactReport.RuleImpact(rule, n[0], n[1], n[2])));
    return out;
  }

  private static List<ImpactReport.RevokedGrant> revoked(List<Grant> active, Map<String, List<Grant>> descendants,
                                                        Map<String, Compared> lastByGrant) {
    Map<String, ImpactReport.RevokedGrant> out = new LinkedHashMap<>();
    for (Grant g : active) {
      Compared c = lastByGrant.get(g.id());
      if (c == null || out.containsKey(g.id()) || c.before() == null || !c.before().permitted()
          || c.after().permitted()) {
        continue;
      }
      out.put(g.id(), new ImpactReport.RevokedGrant(g.id(), g.principal(), g.actions(), g.resource(),
          Optional.of(c.after().decision()), Optional.empty()));
    }
    Set<String> activeIds = new LinkedHashSet<>();
    active.forEach(g -> activeIds.add(g.id()));
    for (ImpactReport.RevokedGrant parent : List.copyOf(out.values())) {
      for (Grant child : descendants.getOrDefault(parent.grant(), List.of())) {
        if (activeIds.contains(child.id()) && !out.containsKey(child.id())) {
          out.put(child.id(), new ImpactReport.RevokedGrant(child.id(), child.principal(), child.actions(),
              child.resource(), Optional.empty(), Optional.of(parent.grant())));
        }
      }
    }
    return new ArrayList<>(out.values());
  }
}
