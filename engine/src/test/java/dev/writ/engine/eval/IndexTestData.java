package dev.writ.engine.eval;

import dev.writ.engine.entity.EntityStore;
import dev.writ.engine.value.EntityUid;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** What the rule index's property tests generate alike: the principals' entities, and a decision's state. */
final class IndexTestData {
  private IndexTestData() {}

  /** Roles (a role may sit in a later role), teams, users in roles and teams, bots in teams: YAML lines. */
  static void people(Random r, StringBuilder out) {
    for (int i = 0; i < 4; i++) {
      out.append("- { uid: Role::r_").append(i).append(", parents: [")
          .append(i < 3 && r.nextBoolean() ? "Role::r_" + (i + 1 + r.nextInt(3 - i)) : "").append("] }\n");
    }
    for (int i = 0; i < 3; i++) {
      out.append("- { uid: Team::t_").append(i).append(" }\n");
    }
    for (int i = 0; i < 4; i++) {
      List<String> parents = new ArrayList<>();
      for (int k = 0; k < 4; k++) {
        if (r.nextInt(3) == 0) {
          parents.add("Role::r_" + k);
        }
      }
      if (r.nextBoolean()) {
        parents.add("Team::t_" + r.nextInt(3));
      }
      out.append("- { uid: User::u_").append(i).append(", parents: [").append(String.join(", ", parents)).append("] }\n");
    }
    for (int i = 0; i < 2; i++) {
      out.append("- { uid: Bot::b_").append(i).append(", parents: [Team::t_").append(r.nextInt(3)).append("] }\n");
    }
  }

  /** The evaluation state of one action of a request with these principal and resource. */
  static EvalState state(EvaluationPlan plan, EntityStore store, EntityUid principal, EntityUid resource,
                         String action) {
    EvalScope scope = new EvalScope(store, plan, principal, null, List.of(), resource, null, null, null, Map.of(),
        null, Instant.EPOCH);
    return scope.forAction(action).acting();
  }
}
