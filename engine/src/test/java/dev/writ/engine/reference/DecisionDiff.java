package dev.writ.engine.reference;

import dev.writ.engine.decision.Decision;
import dev.writ.engine.decision.EvalErrorInfo;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

/**
 * Compares two decisions field by field, after putting each list in a canonical order
 * (sorted, duplicates removed): what two evaluators must agree on. Reasons are free text and
 * are not compared; error messages are free text too, so errors compare by policy name, and
 * by position as well when asked.
 */
public final class DecisionDiff {
  private DecisionDiff() {}

  /** How much of the errors to compare. */
  public enum Errors { POLICIES, POLICIES_AND_POSITIONS }

  /** The comparable fields of a decision. */
  public static Map<String, Object> canonical(Decision d, Errors errors) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("decision", d.decision());
    m.put("actions", new LinkedHashMap<>(d.actions()));
    m.put("ttl", d.ttlSeconds().orElse(null));
    m.put("standing", d.standing());
    m.put("policies", new TreeSet<>(d.policies()));
    m.put("forbids", new TreeSet<>(d.forbids()));
    TreeSet<String> pending = new TreeSet<>();
    d.pending().forEach(p -> pending.add(p.policy() + " from " + p.from() + " required " + p.required()
        + " missing " + p.missing()));
    m.put("pending", pending);
    TreeSet<String> obligations = new TreeSet<>();
    d.obligations().forEach(o -> obligations.add(o.policy() + ": " + o.name() + (o.value() == null ? "" : " " + o.value())));
    m.put("obligations", obligations);
    TreeSet<String> errorKeys = new TreeSet<>();
    for (EvalErrorInfo e : d.errors()) {
      errorKeys.add(errors == Errors.POLICIES ? e.policy() : e.policy() + " at " + e.at());
    }
    m.put("errors", errorKeys);
    return m;
  }

  /** One line per field that differs; empty when the decisions agree. */
  public static List<String> differences(Decision a, Decision b, Errors errors) {
    Map<String, Object> x = canonical(a, errors);
    Map<String, Object> y = canonical(b, errors);
    List<String> out = new ArrayList<>();
    for (String k : x.keySet()) {
      if (!Objects.equals(x.get(k), y.get(k))) {
        out.add(k + ": " + x.get(k) + " <> " + y.get(k));
      }
    }
    return out;
  }

  /** Whether the two decisions list the same errors at the same positions (whatever the messages say). */
  public static boolean samePositions(Decision a, Decision b) {
    return canonical(a, Errors.POLICIES_AND_POSITIONS).get("errors")
        .equals(canonical(b, Errors.POLICIES_AND_POSITIONS).get("errors"));
  }
}
