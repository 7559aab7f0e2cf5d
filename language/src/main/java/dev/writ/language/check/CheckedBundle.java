package dev.writ.language.check;
import dev.writ.language.vocab.Schema;
import dev.writ.language.vocab.Type;

import dev.writ.language.ast.Expr;
import dev.writ.language.ast.IntentDecl;
import dev.writ.language.ast.PolicyFile;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A bundle that passed every check. Holds the same syntax trees the parser produced; what the
 * checker learnt about them (static types) is kept in a side table keyed by node identity.
 * Only {@link Checker} creates one, so the engine can never be handed an unchecked tree.
 */
public final class CheckedBundle {
  private final List<PolicyFile> files;
  private final Schema schema;
  private final List<CheckedRule> rules;
  private final Map<String, IntentDecl> intents;
  private final Map<String, java.util.SortedSet<String>> expandedGroups;
  private final Map<Expr, Type> types;

  CheckedBundle(List<PolicyFile> files, Schema schema, List<CheckedRule> rules, Map<String, IntentDecl> intents,
                Map<String, java.util.SortedSet<String>> expandedGroups, IdentityHashMap<Expr, Type> types) {
    this.files = List.copyOf(files);
    this.schema = schema;
    this.rules = List.copyOf(rules);
    this.intents = Collections.unmodifiableMap(new LinkedHashMap<>(intents));
    this.expandedGroups = Collections.unmodifiableMap(new LinkedHashMap<>(expandedGroups));
    this.types = Collections.unmodifiableMap(types);
  }

  public List<PolicyFile> files() {
    return files;
  }

  public Schema schema() {
    return schema;
  }

  /** Rules in bundle order: files by path, rules in source order. */
  public List<CheckedRule> rules() {
    return rules;
  }

  public Map<String, IntentDecl> intents() {
    return intents;
  }

  public Optional<IntentDecl> intent(String name) {
    return Optional.ofNullable(intents.get(name));
  }

  /** Every action group with the concrete actions it contains, transitively. */
  public Map<String, java.util.SortedSet<String>> expandedGroups() {
    return expandedGroups;
  }

  /** The static type the checker gave an expression, or {@code DYNAMIC} if it did not type it. */
  public Type typeOf(Expr e) {
    return types.getOrDefault(e, Type.DYNAMIC);
  }
}
