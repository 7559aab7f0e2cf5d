package dev.writ.engine.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.writ.engine.TestPolicies;
import dev.writ.engine.decision.Decision;
import dev.writ.engine.decision.Outcome;
import dev.writ.engine.entity.EntityStore;
import dev.writ.engine.request.AccessRequest;
import dev.writ.engine.value.EntityUid;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * The index's promise, checked structurally (never by timing): the rules it proposes are the
 * ones that could apply, however many rules the bundle has.
 */
class RuleIndexTest {
  private static final String SCHEMA = """
      human User in [Role]
      group Role
      group Folder in [Folder]
      resource Doc in [Folder]
      action "doc:read", "doc:write" on Doc
      """;

  /** {@code n} rules: role r_i may read documents in folder f_(i mod folders). */
  private static String roleFolder(int n, int folders) {
    StringBuilder out = new StringBuilder(SCHEMA);
    for (int i = 0; i < n; i++) {
      out.append("grant rf_").append(i).append(" { principal User in Role::\"r_").append(i)
          .append("\" action \"doc:read\" resource Doc in Folder::\"f_").append(i % folders).append("\" ttl 1h }\n");
    }
    return out.toString();
  }

  private static String entities() {
    return """
        - { uid: User::u, parents: [Role::r_3, Role::r_7] }
        - { uid: Folder::top }
        - { uid: Folder::f_3, parents: [Folder::top] }
        - { uid: Doc::d, parents: [Folder::f_3] }
        """;
  }

  @ParameterizedTest
  @ValueSource(ints = {10, 10_000})
  void roleAndFolderRulesOnlyProposeTheRulesThatCouldApply(int n) {
    EvaluationPlan plan = TestPolicies.plan(roleFolder(n, 10));
    EntityStore store = TestPolicies.entities(plan, entities());
    Authorizer authorizer = new Authorizer(plan);
    AccessRequest request = AccessRequest.simple(EntityUid.parse("User::u"), "doc:read", EntityUid.parse("Doc::d"));
    List<String> candidates = new IndexProbe(plan).candidates(request, store, "doc:read", request.principal());
    // Only rf_3 pairs one of the user's roles (r_3, r_7) with one of the document's folders (f_3, top).
    assertEquals(List.of("rf_3"), candidates);
    Decision d = authorizer.decide(request, store, DecideOptions.at(Instant.EPOCH));
    assertEquals(Outcome.PERMIT, d.decision());
    assertEquals(List.of("rf_3"), d.policies());
  }

  @Test
  void wildcardsKindsAndAnyAreFound() {
    EvaluationPlan plan = TestPolicies.plan(SCHEMA + """
        grant by_prefix { principal User action "doc:*" ttl 1h }
        grant by_kind { principal human action "doc:write" ttl 1h }
        grant anything { ttl 1h }
        forbid other_action { action "doc:write" }
        """);
    EntityStore store = TestPolicies.entities(plan, entities());
    Authorizer authorizer = new Authorizer(plan);
    AccessRequest request = AccessRequest.simple(EntityUid.parse("User::u"), "doc:read", EntityUid.parse("Doc::d"));
    List<String> candidates = new IndexProbe(plan).candidates(request, store, "doc:read", request.principal());
    assertTrue(candidates.containsAll(List.of("by_prefix", "anything")), candidates.toString());
    assertTrue(!candidates.contains("other_action") && !candidates.contains("by_kind"), candidates.toString());
    assertTrue(new IndexProbe(plan).candidates(request, store, "doc:write", request.principal())
        .containsAll(List.of("by_prefix", "by_kind", "anything", "other_action")));
  }
}
