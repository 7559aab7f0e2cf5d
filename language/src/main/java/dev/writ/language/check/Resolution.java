package dev.writ.language.check;

import dev.writ.language.ast.Expr;
import dev.writ.language.ast.IntentDecl;
import dev.writ.language.ast.PolicyFile;
import dev.writ.language.ast.RuleDecl;
import dev.writ.language.vocab.Schema;
import dev.writ.language.vocab.Type;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.SortedSet;

/**
 * What the checker resolved, kept even when the bundle has errors: the schema, the entity types
 * each scope admits and the static type of each expression it typed. Editors read it (go to
 * definition, hover, completion) instead of resolving names a second way.
 */
public final class Resolution {
  public static final Resolution EMPTY = new Resolution(Schema.EMPTY, new IdentityHashMap<>(),
      new IdentityHashMap<>(), new IdentityHashMap<>());

  private final Schema schema;
  private final Map<Object, SortedSet<String>> principalTypes;
  private final Map<Object, SortedSet<String>> resourceTypes;
  private final Map<Expr, Type> types;

  Resolution(Schema schema, Map<Object, SortedSet<String>> principalTypes, Map<Object, SortedSet<String>> resourceTypes,
             Map<Expr, Type> types) {
    this.schema = schema;
    // The checker's own tables, not copies: nothing changes them once the checker has run.
    this.principalTypes = Collections.unmodifiableMap(principalTypes);
    this.resourceTypes = Collections.unmodifiableMap(resourceTypes);
    this.types = Collections.unmodifiableMap(types);
  }

  static Resolution of(CheckContext ctx) {
    return new Resolution(ctx.schema, ctx.principalTypes, ctx.resourceTypes, ctx.types);
  }

  /** A rule's full name, {@code package.rule}, as the checker and the engine name it. */
  public static String ruleName(PolicyFile file, RuleDecl rule) {
    return CheckContext.fullName(file, rule);
  }

  public Schema schema() {
    return schema;
  }

  /** The entity types a rule's principal may have (empty: not narrowed, or dynamic mode). */
  public SortedSet<String> principalTypes(RuleDecl rule) {
    return principalTypes.getOrDefault(rule, Collections.emptySortedSet());
  }

  public SortedSet<String> resourceTypes(RuleDecl rule) {
    return resourceTypes.getOrDefault(rule, Collections.emptySortedSet());
  }

  public SortedSet<String> principalTypes(IntentDecl.Allow allow) {
    return principalTypes.getOrDefault(allow, Collections.emptySortedSet());
  }

  public SortedSet<String> resourceTypes(IntentDecl.Allow allow) {
    return resourceTypes.getOrDefault(allow, Collections.emptySortedSet());
  }

  /** The static type the checker gave an expression, or {@code DYNAMIC} if it did not type it. */
  public Type typeOf(Expr e) {
    return types.getOrDefault(e, Type.DYNAMIC);
  }
}
