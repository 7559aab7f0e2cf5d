package dev.writ.engine.testing;

import com.fasterxml.jackson.databind.JsonNode;
import dev.writ.engine.audit.Answer;
import dev.writ.engine.decision.Decision;
import dev.writ.engine.decision.EvalErrorInfo;
import dev.writ.engine.decision.Obligation;
import dev.writ.engine.decision.Outcome;
import dev.writ.engine.decision.PendingApproval;
import dev.writ.engine.grant.ActionAnswer;
import dev.writ.engine.grant.NarrowingResult;
import dev.writ.engine.json.DataNode;
import dev.writ.language.vocab.Durations;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Compares what a case expects with what came back. Only the fields written are compared;
 * durations by value ({@code 120m} equals {@code 2h}); policies, forbids, obligations and
 * pending as sets; actions as a map; an expected reason or error message matches when it is
 * part of an actual one.
 */
final class Expectations {
  private static final Set<String> DECISION_FIELDS = Set.of("decision", "ttl", "standing", "policies", "forbids",
      "pending", "obligations", "actions", "reasons", "errors");
  private static final Set<String> ACT_FIELDS = Set.of("answer", "drift", "reasons");
  private static final Set<String> NARROW_FIELDS = Set.of("actions", "ttl", "narrowed", "revoked");

  private Expectations() {}

  /** Differences between an expected decision and the actual one; empty when they agree. */
  static List<String> decision(DataNode expect, Decision actual) {
    // `expect: pending` is short for `expect: {decision: pending}`.
    boolean shortForm = expect.node().isTextual();
    if (!shortForm) {
      expect.requireObject().onlyFields(DECISION_FIELDS);
    }
    List<String> out = new ArrayList<>();
    DataNode d = shortForm ? expect : expect.field("decision");
    if (!d.isMissing()) {
      String want = d.scalarText();
      if (Outcome.parse(want) == null) {
        throw d.error("`" + want + "` is not a decision; use permit, deny or pending"
            + (shortForm ? ", or a mapping of a decision's fields" : ""));
      }
      if (!want.equals(actual.decision().json())) {
        out.add("decision: expected " + want + ", got " + actual.decision().json());
      }
    }
    if (shortForm) {
      return out;
    }
    DataNode ttl = expect.field("ttl");
    if (!ttl.node().isMissingNode()) {
      String got = actual.ttlSeconds().map(Durations::format).orElse("null");
      if (ttl.isMissing()) {
        if (actual.ttlSeconds().isPresent()) {
          out.add("ttl: expected null, got " + got);
        }
      } else {
        long want = ttl.duration();
        if (actual.ttlSeconds().isEmpty() || actual.ttlSeconds().get() != want) {
          out.add("ttl: expected " + Durations.format(want) + ", got " + got);
        }
      }
    }
    DataNode standing = expect.field("standing");
    if (!standing.isMissing() && standing.bool() != actual.standing()) {
      out.add("standing: expected " + standing.bool() + ", got " + actual.standing());
    }
    compareSet(out, "policies", expect.field("policies"), actual.policies());
    compareSet(out, "forbids", expect.field("forbids"), actual.forbids());
    DataNode actions = expect.field("actions");
    if (!actions.isMissing()) {
      Map<String, String> want = new HashMap<>();
      actions.entries().forEach(e -> want.put(e.getKey(), e.getValue().scalarText()));
      Map<String, String> got = new HashMap<>();
      actual.actions().forEach((k, v) -> got.put(k, v.json()));
      if (!want.equals(got)) {
        out.add("actions: expected " + new java.util.TreeMap<>(want) + ", got " + new java.util.TreeMap<>(got));
      }
    }
    List<Map<String, String>> pending = new ArrayList<>();
    for (PendingApproval p : actual.pending()) {
      pending.add(Map.of("policy", p.policy(), "from", p.from().toString(), "required", String.valueOf(p.required()),
          "missing", String.valueOf(p.missing())));
    }
    compareRecords(out, "pending", expect.field("pending"), pending, false);
    List<Map<String, String>> obligations = new ArrayList<>();
    for (Obligation o : actual.obligations()) {
      Map<String, String> m = new HashMap<>();
      m.put("name", o.name());
      m.put("value", o.value() == null ? "null" : o.value());
      m.put("policy", o.policy());
      obligations.add(m);
    }
    compareRecords(out, "obligations", expect.field("obligations"), obligations, false);
    List<Map<String, String>> errors = new ArrayList<>();
    for (EvalErrorInfo e : actual.errors()) {
      errors.add(Map.of("policy", e.policy(), "message", e.message(), "at", e.at()));
    }
    compareRecords(out, "errors", expect.field("errors"), errors, true);
    DataNode reasons = expect.field("reasons");
    if (!reasons.isMissing()) {
      for (DataNode r : reasons.elements()) {
        String want = r.scalarText();
        if (actual.reasons().stream().noneMatch(a -> a.contains(want))) {
          out.add("reasons: expected one containing \"" + want + "\", got " + actual.reasons());
        }
      }
    }
    return out;
  }

  /** Differences for an action fact: {@code expect: allow} or {@code expect: {answer, drift, reasons}}. */
  static List<String> action(DataNode expect, ActionAnswer actual) {
    List<String> out = new ArrayList<>();
    String answer;
    if (expect.node().isTextual()) {
      answer = expect.string();
    } else {
      expect.requireObject().onlyFields(ACT_FIELDS);
      answer = expect.field("answer").optString().orElse(null);
      DataNode drift = expect.field("drift");
      if (!drift.isMissing() && drift.bool() != actual.drift()) {
        out.add("drift: expected " + drift.bool() + ", got " + actual.drift());
      }
      DataNode reasons = expect.field("reasons");
      if (!reasons.isMissing()) {
        for (DataNode r : reasons.elements()) {
          if (actual.reasons().stream().noneMatch(a -> a.contains(r.scalarText()))) {
            out.add("reasons: expected one containing \"" + r.scalarText() + "\", got " + actual.reasons());
          }
        }
      }
    }
    if (answer != null) {
      if (Answer.parse(answer) == null) {
        throw expect.error("`" + answer + "` is not an answer to an action; use allow, deny or revoke");
      }
      if (Answer.parse(answer) != actual.answer()) {
        out.add("answer: expected " + answer + ", got " + actual.answer().json()
            + (actual.reasons().isEmpty() ? "" : " (" + String.join("; ", actual.reasons()) + ")"));
      }
    }
    return out;
  }

  /**
   * A narrowing: the grant's {@code actions} now (a set), its {@code ttl} (time left at
   * {@code now}; null: standing), the descendants {@code narrowed} with it and those
   * {@code revoked} (sets of names or ids; {@code names} maps the names bound with {@code as}).
   */
  static List<String> narrowing(DataNode expect, NarrowingResult actual, Map<String, String> names, Instant now) {
    expect.requireObject().onlyFields(NARROW_FIELDS);
    List<String> out = new ArrayList<>();
    compareSet(out, "actions", expect.field("actions"), actual.grant().actions());
    DataNode ttl = expect.field("ttl");
    if (!ttl.node().isMissingNode()) {
      Optional<Long> left = actual.grant().remainingSeconds(now);
      String got = left.map(Durations::format).orElse("null");
      if (ttl.isMissing() ? left.isPresent() : left.isEmpty() || left.get() != ttl.duration()) {
        out.add("ttl: expected " + (ttl.isMissing() ? "null" : Durations.format(ttl.duration())) + ", got " + got);
      }
    }
    compareIds(out, "narrowed", expect.field("narrowed"), actual.narrowed(), names, false);
    compareIds(out, "revoked", expect.field("revoked"), actual.revoked(), names, false);
    return out;
  }

  /** A set of grants named by {@code as} names or ids; a field not written is not compared, unless {@code absentIsNone}. */
  static void compareIds(List<String> out, String field, DataNode expect, List<String> actual,
                         Map<String, String> names, boolean absentIsNone) {
    if (expect.node().isMissingNode() && !absentIsNone) {
      return;
    }
    Set<String> want = new TreeSet<>();
    if (!expect.isMissing()) {
      expect.elementsOrOne().forEach(e -> want.add(names.getOrDefault(e.scalarText(), e.scalarText())));
    }
    Set<String> got = new TreeSet<>(actual);
    if (!want.equals(got)) {
      out.add(field + ": expected " + want + ", got " + got);
    }
  }

  private static void compareSet(List<String> out, String field, DataNode expect, List<String> actual) {
    if (expect.isMissing()) {
      if (!expect.node().isMissingNode() && !actual.isEmpty()) {
        out.add(field + ": expected none, got " + actual);
      }
      return;
    }
    TreeSet<String> want = new TreeSet<>();
    expect.elementsOrOne().forEach(e -> want.add(e.scalarText()));
    TreeSet<String> got = new TreeSet<>(actual);
    if (!want.equals(got)) {
      TreeSet<String> missing = new TreeSet<>(want);
      missing.removeAll(got);
      TreeSet<String> extra = new TreeSet<>(got);
      extra.removeAll(want);
      out.add(field + ": expected " + want + ", got " + got
          + (missing.isEmpty() ? "" : "; missing " + missing) + (extra.isEmpty() ? "" : "; unexpected " + extra));
    }
  }

  /** Sets of records: each expected record (its given fields) matches a distinct actual one, and counts agree. */
  private static void compareRecords(List<String> out, String field, DataNode expect, List<Map<String, String>> actual,
                                     boolean substringMessages) {
    if (expect.isMissing()) {
      return;
    }
    List<DataNode> wanted = expect.elements();
    List<Map<String, String>> left = new ArrayList<>(actual);
    List<String> unmatched = new ArrayList<>();
    for (DataNode w : wanted) {
      w.requireObject();
      Map<String, String> fields = new HashMap<>();
      w.entries().forEach(e -> fields.put(e.getKey(), e.getValue().isMissing() ? "null" : e.getValue().scalarText()));
      Map<String, String> match = null;
      for (Map<String, String> a : left) {
        boolean ok = fields.entrySet().stream().allMatch(f -> {
          String got = a.get(f.getKey());
          if (got == null) {
            return false;
          }
          return substringMessages && f.getKey().equals("message") ? got.contains(f.getValue()) : got.equals(f.getValue());
        });
        if (ok) {
          match = a;
          break;
        }
      }
      if (match == null) {
        unmatched.add(fields.toString());
      } else {
        left.remove(match);
      }
    }
    if (!unmatched.isEmpty() || !left.isEmpty()) {
      out.add(field + ": expected " + wanted.size() + " matching " + (unmatched.isEmpty() ? ""
          : "(no match for " + unmatched + ") ") + "but got " + actual);
    }
  }

  /** Compares an audit entry's fields with a record's JSON; grant names are already resolved to ids. */
  static boolean auditMatches(Map<String, JsonNode> want, JsonNode record) {
    for (Map.Entry<String, JsonNode> w : want.entrySet()) {
      JsonNode got = record.get(w.getKey());
      if (got == null) {
        return false;
      }
      JsonNode exp = w.getValue();
      if (exp.isArray()) {
        if (!got.isArray()) {
          return false;
        }
        Set<String> a = new TreeSet<>();
        exp.forEach(x -> a.add(x.asText()));
        Set<String> b = new TreeSet<>();
        got.forEach(x -> b.add(x.asText()));
        if (!a.equals(b)) {
          return false;
        }
      } else if (exp.isObject()) {
        if (!exp.equals(got)) {
          return false;
        }
      } else if (exp.isNull()) {
        if (!got.isNull()) {
          return false;
        }
      } else if (!exp.asText().equals(got.asText())) {
        return false;
      }
    }
    return true;
  }
}
