package dev.writ.engine.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;
import static org.quicktheories.generators.SourceDSL.longs;

import dev.writ.engine.TestPolicies;
import dev.writ.engine.entity.EntityStore;
import dev.writ.engine.value.EntityUid;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The rule index's principal memo ({@link RuleIndex.PrincipalMemo}, kept on the principal's
 * numbers) proposes exactly the candidates that probing every principal level proposes
 * ({@link RuleIndex#candidatesByProbing}), cold and warm, for the grant and the forbid index, on
 * generated bundles (entity, {@code in}, type, kind and "any" principal keys; exact, wildcard and
 * "any" actions) and generated hierarchies.
 */
class PrincipalMemoProperties {
  private static final String SCHEMA = """
      human User in [Role, Team]
      machine Bot in [Team]
      group Role in [Role]
      group Team
      group Folder in [Folder]
      resource Doc in [Folder]
      action "doc:read", "doc:write", "file:read" on Doc
      """;

  private static final String[] PRINCIPALS = {
      null, "any", "human", "machine", "User", "Bot", "User::\"u_%d\"", "User in Role::\"r_%d\"",
      "any in Team::\"t_%d\"", "Bot in Team::\"t_%d\"", "User::\"u_%d\" in Role::\"r_%d\"", "Bot::\"b_%d\""};
  private static final String[] ACTIONS = {
      null, "\"doc:read\"", "\"doc:*\"", "\"*\"", "\"doc:read\", \"doc:write\"", "\"file:*\"", "\"file:read\""};
  private static final String[] RESOURCES = {null, "Doc", "Doc in Folder::\"f_%d\"", "Doc::\"d_%d\""};
  private static final String[] REQUEST_ACTIONS = {"doc:read", "doc:write", "file:read"};

  /** One rule from one generated int: kind, principal alternatives, actions, resource. */
  private static String rule(int i, int shape) {
    Random r = new Random(shape);
    boolean grant = r.nextBoolean();
    StringBuilder out = new StringBuilder(grant ? "grant" : "forbid").append(" rule_").append(i).append(" {");
    int alternatives = r.nextInt(3);
    List<String> principal = new ArrayList<>();
    for (int a = 0; a < alternatives; a++) {
      String p = PRINCIPALS[1 + r.nextInt(PRINCIPALS.length - 1)];
      principal.add(String.format(p, r.nextInt(4), r.nextInt(4)));
    }
    if (!principal.isEmpty()) {
      out.append(" principal ").append(String.join(", ", principal));
    }
    String action = ACTIONS[r.nextInt(ACTIONS.length)];
    if (action != null) {
      out.append(" action ").append(action);
    }
    String resource = RESOURCES[r.nextInt(RESOURCES.length)];
    if (resource != null) {
      out.append(" resource ").append(String.format(resource, r.nextInt(3)));
    }
    return out.append(grant ? " ttl 1h }\n" : " }\n").toString();
  }

  /** Users, bots, roles (a role may sit in a later role), teams, a folder chain and documents. */
  private static String entities(long seed) {
    Random r = new Random(seed);
    StringBuilder out = new StringBuilder();
    IndexTestData.people(r, out);
    out.append("- { uid: Folder::f_0 }\n- { uid: Folder::f_1, parents: [Folder::f_0] }\n- { uid: Folder::f_2 }\n");
    for (int i = 0; i < 3; i++) {
      out.append("- { uid: Doc::d_").append(i).append(", parents: [Folder::f_").append(r.nextInt(3)).append("] }\n");
    }
    return out.toString();
  }

  private static EvalState state(EvaluationPlan plan, EntityStore store, EntityUid principal, EntityUid resource,
                                 String action) {
    return IndexTestData.state(plan, store, principal, resource, action);
  }

  private static int[] ids(RuleIndex.Candidates c) {
    int[] out = new int[c.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = c.get(i);
    }
    return out;
  }

  @Test
  void theMemoProposesWhatProbingProposes() {
    qt().withExamples(300).forAll(lists().of(integers().between(0, Integer.MAX_VALUE)).ofSizeBetween(1, 30),
            longs().all(), longs().all())
        .checkAssert((shapes, hierarchy, order) -> {
          StringBuilder text = new StringBuilder(SCHEMA);
          for (int i = 0; i < shapes.size(); i++) {
            text.append(rule(i, shapes.get(i)));
          }
          EvaluationPlan plan = TestPolicies.plan(text.toString());
          EntityStore store = TestPolicies.entities(plan, entities(hierarchy));
          List<EntityUid> principals = new ArrayList<>();
          for (int i = 0; i < 4; i++) {
            principals.add(EntityUid.parse("User::u_" + i));
          }
          principals.add(EntityUid.parse("Bot::b_0"));
          principals.add(EntityUid.parse("Bot::b_1"));
          principals.add(EntityUid.parse("User::ghost")); // unknown to the store: no entity, no kind
          Random r = new Random(order);
          RuleIndex.Candidates memoised = new RuleIndex.Candidates();
          RuleIndex.Candidates probed = new RuleIndex.Candidates();
          // Each principal several times, actions and resources in random order: the first ask
          // fills the memo, the later ones read it.
          for (int round = 0; round < 40; round++) {
            EntityUid principal = principals.get(r.nextInt(principals.size()));
            EntityUid resource = EntityUid.parse("Doc::d_" + r.nextInt(3));
            String action = REQUEST_ACTIONS[r.nextInt(REQUEST_ACTIONS.length)];
            EvalState s = state(plan, store, principal, resource, action);
            for (RuleIndex index : List.of(plan.grantIndex(), plan.forbidIndex())) {
              index.candidates(action, s, memoised);
              index.candidatesByProbing(action, s, probed);
              assertArrayEquals(ids(probed), ids(memoised),
                  () -> "candidates of " + action + " for " + principal + " on " + resource + "\n" + text);
            }
          }
        });
  }

  @Test
  void aKnownPrincipalKeepsItsMemoAcrossDecisions() {
    EvaluationPlan plan = TestPolicies.plan(SCHEMA + "grant g { principal User in Role::\"r_1\" action \"doc:read\" ttl 1h }\n");
    EntityStore store = TestPolicies.entities(plan, entities(1));
    EntityUid user = EntityUid.parse("User::u_0");
    EvalState first = state(plan, store, user, EntityUid.parse("Doc::d_0"), "doc:read");
    plan.grantIndex().candidates("doc:read", first, new RuleIndex.Candidates());
    Object memo = first.principalNumbers.indexMemo();
    assertTrue(memo instanceof RuleIndex.PrincipalMemo, String.valueOf(memo));
    // A later decision for the same principal reads the same numbers, hence the same memo.
    EvalState second = state(plan, store, user, EntityUid.parse("Doc::d_1"), "doc:read");
    plan.grantIndex().candidates("doc:read", second, new RuleIndex.Candidates());
    assertSame(memo, second.principalNumbers.indexMemo());
  }

  @Test
  void theMemoKeepsTheLatestActionLevelsUpToItsLimit() {
    qt().forAll(integers().between(1, 3 * RuleIndex.PrincipalMemo.LIMIT)).checkAssert(n -> {
      Object[] levels = new Object[n];
      RuleIndex.PrincipalMemo m = null;
      for (int i = 0; i < n; i++) {
        levels[i] = new Object();
        m = RuleIndex.PrincipalMemo.with(m, "User", levels[i], new Object[] {i});
      }
      int kept = Math.min(n, RuleIndex.PrincipalMemo.LIMIT);
      assertEquals(kept, m.actionLevels.length);
      for (int i = 0; i < n; i++) {
        Object[] got = m.get(levels[i]);
        if (i < n - kept) {
          assertNull(got);
        } else {
          assertEquals(List.of(i), Arrays.asList(got));
        }
      }
      // Another type (a store whose entity under these numbers changed type) starts afresh.
      RuleIndex.PrincipalMemo other = RuleIndex.PrincipalMemo.with(m, "Bot", levels[n - 1], new Object[0]);
      assertEquals(1, other.actionLevels.length);
    });
  }
}
