package dev.writ.language.check;
import dev.writ.language.vocab.Schema;
import dev.writ.language.vocab.Type;

import dev.writ.language.ast.Declaration;
import dev.writ.language.ast.Expr;
import dev.writ.language.ast.IntentDecl;
import dev.writ.language.ast.PolicyFile;
import dev.writ.language.ast.RuleDecl;
import dev.writ.language.diag.Diagnostic;
import dev.writ.language.diag.DiagnosticCode;
import dev.writ.language.source.Span;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeMap;

/** What the checker stages share: the input, the declarations found so far and the diagnostics. */
final class CheckContext {
  final List<PolicyFile> files;
  final List<Diagnostic> diagnostics = new ArrayList<>();
  final IdentityHashMap<Expr, Type> types = new IdentityHashMap<>();

  // Filled by CollectDeclarations.
  boolean strict;
  final Map<String, Declaration.EntityType> entityDecls = new LinkedHashMap<>();
  final Map<String, Declaration.Actions> actionDecls = new LinkedHashMap<>(); // action name -> its declaration
  final Map<String, Span> actionSpans = new LinkedHashMap<>();
  final Map<String, Declaration.ActionGroup> groupDecls = new LinkedHashMap<>();
  final Map<String, IntentDecl> intents = new LinkedHashMap<>();
  final List<CheckedRule> rules = new ArrayList<>();

  // Filled by ResolveSchema.
  Schema schema = Schema.EMPTY;
  final Map<String, SortedSet<String>> expandedGroups = new TreeMap<>();

  // Filled by CheckIntents and CheckRules: the entity types a scope admits (strict mode).
  final Map<Object, SortedSet<String>> principalTypes = new IdentityHashMap<>();
  final Map<Object, SortedSet<String>> resourceTypes = new IdentityHashMap<>();

  CheckContext(List<PolicyFile> files) {
    this.files = files;
  }

  void report(DiagnosticCode code, Span span, String message) {
    diagnostics.add(Diagnostic.of(code, span, message));
  }

  void report(DiagnosticCode code, Span span, String message, String hint) {
    diagnostics.add(Diagnostic.of(code, span, message, hint));
  }

  static String fullName(PolicyFile file, RuleDecl rule) {
    String pkg = file.packagePrefix();
    return pkg.isEmpty() ? rule.name().value() : pkg + "." + rule.name().value();
  }
}
