package dev.writ.engine.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
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
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The flat rule index ({@link RuleIndex}: packed keys, leaves as runs of one id array, the
 * principal half memoised per action) proposes exactly the candidates of the three-level map it
 * replaced ({@link LevelIndexReference}), cold and warm, for the grant and the forbid index, on
 * generated bundles: entity, {@code in}, type, kind and "any" principals and resources, several
 * alternatives, exact, wildcard and "any" actions, actions no rule names, principals the store does
 * not know, and nodes with enough resource keys to be probed rather than copied into the memo.
 */
class RuleIndexProperties {
  private static final String SCHEMA = """
      human User in [Role, Team]
      machine Bot in [Team]
      group Role in [Role]
      group Team
      group Folder in [Folder]
      resource Doc in [Folder]
      action "doc:read", "doc:write", "doc:share", "file:read" on Doc
      action "user:view" on User
      """;
  private static final int DOCS = 12;
  private static final int FOLDERS = 6;

  private static final String[] PRINCIPALS = {
      "any", "human", "machine", "User", "Bot", "User::\"u_%d\"", "User in Role::\"r_%d\"",
      "any in Team::\"t_%d\"", "Bot in Team::\"t_%d\"", "User::\"u_%d\" in Role::\"r_%d\"", "Bot::\"b_%d\""};
  private static final String[] ACTIONS = {
      null, "\"doc:read\"", "\"doc:*\"", "\"*\"", "\"doc:read\", \"doc:write\"", "\"file:*\"", "\"file:read\"",
      "\"doc:read\", \"doc:*\""};
  private static final String[] RESOURCES = {
      "any", "Doc", "Doc in Folder::\"f_%2$d\"", "Doc::\"d_%1$d\"", "any in Folder::\"f_%2$d\""};
  /** Declared actions, and two no rule names (the index is asked directly; a lax schema would allow them). */
  private static final String[] REQUEST_ACTIONS = {"doc:read", "doc:write", "doc:share", "file:read", "user:view", "doc:other", "zzz"};

  private static String selector(Random r, String[] choices, int first, int second) {
    List<String> alternatives = new ArrayList<>();
    for (int a = 1 + r.nextInt(2); a > 0; a--) {
      alternatives.add(String.format(choices[r.nextInt(choices.length)], r.nextInt(first), r.nextInt(second)));
    }
    return String.join(", ", alternatives);
  }

  /** One rule from one generated int; a {@code bulk} rule shares its principal and action with many others. */
  private static String rule(int i, int shape, boolean bulk) {
    Random r = new Random(shape);
    boolean grant = bulk || r.nextBoolean();
    StringBuilder out = new StringBuilder(grant ? "grant" : "forbid").append(" rule_").append(i).append(" {");
    if (bulk) {
      // Many entity and `in` resource keys under one principal node: a node the memo does not copy.
      out.append(" principal User action \"doc:read\" resource ")
          .append(r.nextBoolean() ? "Doc::\"d_" + r.nextInt(DOCS) + "\"" : "Doc in Folder::\"f_" + r.nextInt(FOLDERS) + "\"");
      return out.append(" ttl 1h }\n").toString();
    }
    if (r.nextInt(8) == 0) {
      // Users as resources: kind and type keys on the resource side.
      out.append(" principal ").append(selector(r, PRINCIPALS, 4, 4)).append(" action \"user:view\" resource ")
          .append(new String[] {"human", "User", "User in Team::\"t_1\"", "User::\"u_2\""}[r.nextInt(4)]);
      return out.append(grant ? " ttl 1h }\n" : " }\n").toString();
    }
    if (r.nextInt(4) > 0) {
      out.append(" principal ").append(selector(r, PRINCIPALS, 4, 4));
    }
    String action = ACTIONS[r.nextInt(ACTIONS.length)];
    if (action != null) {
      out.append(" action ").append(action);
    }
    if (r.nextInt(4) > 0) {
      out.append(" resource ").append(selector(r, RESOURCES, DOCS, FOLDERS));
    }
    return out.append(grant ? " ttl 1h }\n" : " }\n").toString();
  }

  /** Users, bots, roles (a role may sit in a later role), teams, a folder tree and documents in it. */
  private static String entities(long seed) {
    Random r = new Random(seed);
    StringBuilder out = new StringBuilder();
    IndexTestData.people(r, out);
    for (int i = 0; i < FOLDERS; i++) {
      out.append("- { uid: Folder::f_").append(i).append(", parents: [")
          .append(i > 0 && r.nextBoolean() ? "Folder::f_" + r.nextInt(i) : "").append("] }\n");
    }
    for (int i = 0; i < DOCS; i++) {
      out.append("- { uid: Doc::d_").append(i).append(", parents: [Folder::f_").append(r.nextInt(FOLDERS)).append("] }\n");
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
  void theFlatIndexProposesWhatTheLevelMapsProposed() {
    AtomicInteger withBigNodes = new AtomicInteger();
    AtomicInteger nonEmpty = new AtomicInteger();
    qt().withExamples(300).forAll(lists().of(integers().between(0, Integer.MAX_VALUE)).ofSizeBetween(1, 40),
            integers().between(0, 30), longs().all(), longs().all())
        .checkAssert((shapes, bulk, hierarchy, order) -> {
          StringBuilder text = new StringBuilder(SCHEMA);
          for (int i = 0; i < shapes.size(); i++) {
            text.append(rule(i, shapes.get(i), false));
          }
          Random b = new Random(hierarchy ^ order);
          for (int i = 0; i < bulk; i++) {
            text.append(rule(shapes.size() + i, b.nextInt(), true));
          }
          EvaluationPlan plan = TestPolicies.plan(text.toString());
          EntityStore store = TestPolicies.entities(plan, entities(hierarchy));
          if (plan.grantIndex().bigNodes() > 0) {
            withBigNodes.incrementAndGet();
          }
          LevelIndexReference grants = new LevelIndexReference(plan, false);
          LevelIndexReference forbids = new LevelIndexReference(plan, true);
          List<EntityUid> principals = new ArrayList<>();
          for (int i = 0; i < 4; i++) {
            principals.add(EntityUid.parse("User::u_" + i));
          }
          principals.add(EntityUid.parse("Bot::b_0"));
          principals.add(EntityUid.parse("Bot::b_1"));
          principals.add(EntityUid.parse("User::ghost")); // unknown to the store: no entity, no kind
          Random r = new Random(order);
          RuleIndex.Candidates got = new RuleIndex.Candidates();
          // Each principal several times, actions and resources in random order: the first ask
          // fills the memo, the later ones read it.
          for (int round = 0; round < 60; round++) {
            EntityUid principal = principals.get(r.nextInt(principals.size()));
            String action = REQUEST_ACTIONS[r.nextInt(REQUEST_ACTIONS.length)];
            EntityUid resource = EntityUid.parse(action.equals("user:view") ? "User::u_" + r.nextInt(4) : "Doc::d_" + r.nextInt(DOCS));
            EvalState s = state(plan, store, principal, resource, action);
            boolean forbidFirst = r.nextBoolean(); // the memo is filled by whichever index asks first
            for (int k = 0; k < 2; k++) {
              boolean forbid = forbidFirst == (k == 0);
              RuleIndex index = forbid ? plan.forbidIndex() : plan.grantIndex();
              int[] expected = (forbid ? forbids : grants).candidates(action, s);
              index.candidates(action, s, got);
              assertArrayEquals(expected, ids(got),
                  () -> (forbid ? "forbid" : "grant") + " candidates of " + action + " for " + principal + " on "
                      + resource + "\n" + text);
              index.candidatesByProbing(action, s, got);
              assertArrayEquals(expected, ids(got), () -> "probed, " + action + " for " + principal + " on " + resource);
              if (expected.length > 0) {
                nonEmpty.incrementAndGet();
              }
            }
          }
        });
    // The generator must reach the probed path and find candidates, or the property says little.
    assertTrue(withBigNodes.get() >= 30, "bundles with big nodes: " + withBigNodes.get());
    assertTrue(nonEmpty.get() >= 300 * 40, "lookups with candidates: " + nonEmpty.get());
  }

  @Test
  void actionsPastTheCacheBoundAreFoundAndDoNotEvictTheMemo() {
    EvaluationPlan plan = TestPolicies.plan(SCHEMA + """
        grant by_prefix { principal User action "doc:*" resource Doc in Folder::"f_0" ttl 1h }
        grant exact { principal User action "doc:read" ttl 1h }
        forbid any_action { principal any resource Doc::"d_0" }
        """);
    EntityStore store = TestPolicies.entities(plan, """
        - { uid: User::u_0 }
        - { uid: Folder::f_0 }
        - { uid: Doc::d_0, parents: [Folder::f_0] }
        """);
    LevelIndexReference grants = new LevelIndexReference(plan, false);
    LevelIndexReference forbids = new LevelIndexReference(plan, true);
    EntityUid user = EntityUid.parse("User::u_0");
    EntityUid doc = EntityUid.parse("Doc::d_0");
    RuleIndex.Candidates got = new RuleIndex.Candidates();
    EvalState read = state(plan, store, user, doc, "doc:read");
    plan.grantIndex().candidates("doc:read", read, got);
    Object memo = read.principalNumbers.indexMemo();
    for (int i = 0; i < 3000; i++) {
      String action = (i % 2 == 0 ? "doc:x" : "other:x") + i; // the lax schema's undeclared actions
      EvalState s = state(plan, store, user, doc, action);
      plan.grantIndex().candidates(action, s, got);
      assertArrayEquals(grants.candidates(action, s), ids(got), action);
      plan.forbidIndex().candidates(action, s, got);
      assertArrayEquals(forbids.candidates(action, s), ids(got), action);
      if (i > 1100) {
        // Past the cache's bound (1,024 actions) an action is resolved for one lookup and not kept in the memo.
        assertSame(memo, s.principalNumbers.indexMemo(), action);
      }
      memo = s.principalNumbers.indexMemo();
    }
    plan.grantIndex().candidates("doc:read", read, got);
    assertArrayEquals(grants.candidates("doc:read", read), ids(got));
  }
}
