package dev.writ.engine.eval;

import dev.writ.engine.entity.Entity;
import dev.writ.engine.entity.UidTable;
import dev.writ.engine.plan.PlanSelector;
import dev.writ.engine.value.EntityUid;
import dev.writ.language.vocab.EntityKind;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * The rule index as it was before its tables were made flat (three levels of maps: action, then
 * principal, then resource, each by entity, {@code in} entity, type, kind and "any"), kept as the
 * reference the flat {@link RuleIndex} must agree with exactly. Hash maps and sets throughout:
 * written to be obviously right, not fast.
 */
final class LevelIndexReference {
  private static final class Level<N> {
    final Map<Integer, N> eq = new HashMap<>();
    final Map<Integer, N> in = new HashMap<>();
    final Map<String, N> type = new HashMap<>();
    final Map<EntityKind, N> kind = new EnumMap<>(EntityKind.class);
    N any;

    void visit(UidTable.Numbers numbers, String type, Entity entity, List<N> out) {
      if (numbers.self >= 0 && eq.containsKey(numbers.self)) {
        out.add(eq.get(numbers.self));
      }
      for (int a : numbers.ancestors()) {
        if (in.containsKey(a)) {
          out.add(in.get(a));
        }
      }
      if (this.type.containsKey(type)) {
        out.add(this.type.get(type));
      }
      if (entity != null && entity.kind() != null && kind.containsKey(entity.kind())) {
        out.add(kind.get(entity.kind()));
      }
      if (any != null) {
        out.add(any);
      }
    }
  }

  private record Key(PlanSelector.Target target, String value, int uid) {}

  private final Map<String, Level<Level<List<Integer>>>> byAction = new HashMap<>();
  private final Map<String, Level<Level<List<Integer>>>> byPrefix = new HashMap<>();
  private Level<Level<List<Integer>>> anyAction;

  LevelIndexReference(EvaluationPlan plan, boolean forbid) {
    for (int id = 0; id < plan.ruleCount(); id++) {
      CompiledRule r = plan.rule(id);
      if (r.forbid != forbid) {
        continue;
      }
      for (Level<Level<List<Integer>>> actionLevel : actionLevels(r)) {
        for (Key pk : keys(r.data.principal(), plan.uids())) {
          Level<List<Integer>> resourceLevel = child(actionLevel, pk, Level::new);
          for (Key rk : keys(r.data.resource(), plan.uids())) {
            child(resourceLevel, rk, ArrayList::new).add(r.id);
          }
        }
      }
    }
  }

  private List<Level<Level<List<Integer>>>> actionLevels(CompiledRule r) {
    List<Level<Level<List<Integer>>>> out = new ArrayList<>();
    if (r.data.actions() == null) {
      out.add(anyAction());
      return out;
    }
    for (String a : r.data.actions()) {
      if (a.equals("*")) {
        out.add(anyAction());
      } else if (a.endsWith("*")) {
        out.add(byPrefix.computeIfAbsent(a.substring(0, a.length() - 1), k -> new Level<>()));
      } else {
        out.add(byAction.computeIfAbsent(a, k -> new Level<>()));
      }
    }
    return out;
  }

  private Level<Level<List<Integer>>> anyAction() {
    if (anyAction == null) {
      anyAction = new Level<>();
    }
    return anyAction;
  }

  private static List<Key> keys(List<PlanSelector> selector, UidTable uids) {
    List<Key> out = new ArrayList<>();
    if (selector == null) {
      out.add(null);
      return out;
    }
    for (PlanSelector s : selector) {
      if (s.target() == PlanSelector.Target.ENTITY) {
        out.add(new Key(s.target(), null, uids.number(EntityUid.parse(s.value()))));
      } else if (s.in() != null) {
        out.add(new Key(null, "in", uids.number(EntityUid.parse(s.in()))));
      } else if (s.target() == PlanSelector.Target.TYPE || s.target() == PlanSelector.Target.KIND) {
        out.add(new Key(s.target(), s.value(), -1));
      } else {
        out.add(null);
      }
    }
    return out;
  }

  private static <N> N child(Level<N> level, Key key, Supplier<N> make) {
    if (key == null) {
      if (level.any == null) {
        level.any = make.get();
      }
      return level.any;
    }
    if (key.target() == PlanSelector.Target.ENTITY) {
      return level.eq.computeIfAbsent(key.uid(), k -> make.get());
    }
    if (key.target() == null) {
      return level.in.computeIfAbsent(key.uid(), k -> make.get());
    }
    if (key.target() == PlanSelector.Target.TYPE) {
      return level.type.computeIfAbsent(key.value(), k -> make.get());
    }
    return level.kind.computeIfAbsent(EntityKind.fromKeyword(key.value()), k -> make.get());
  }

  /** The candidates for {@code action} with the state's principal and resource, sorted and distinct. */
  int[] candidates(String action, EvalState s) {
    List<Level<Level<List<Integer>>>> levels = new ArrayList<>();
    if (byAction.containsKey(action)) {
      levels.add(byAction.get(action));
    }
    byPrefix.forEach((prefix, level) -> {
      if (action.startsWith(prefix)) {
        levels.add(level);
      }
    });
    if (anyAction != null) {
      levels.add(anyAction);
    }
    TreeSet<Integer> out = new TreeSet<>();
    for (Level<Level<List<Integer>>> actionLevel : levels) {
      List<Level<List<Integer>>> principalNodes = new ArrayList<>();
      actionLevel.visit(s.principalNumbers, s.principalUid.type(), s.principal, principalNodes);
      for (Level<List<Integer>> node : principalNodes) {
        List<List<Integer>> leaves = new ArrayList<>();
        node.visit(s.resourceNumbers, s.resourceUid.type(), s.resource, leaves);
        leaves.forEach(out::addAll);
      }
    }
    return out.stream().mapToInt(Integer::intValue).toArray();
  }
}
