package dev.writ.language.check;

import dev.writ.language.ast.PolicyFile;
import dev.writ.language.diag.Diagnostics;
import java.util.List;
import java.util.Optional;

/**
 * Checks a bundle of parsed files: names, duplicates, action groups, scopes, types (strict
 * mode) and lint. Every stage runs, so that all problems of a bundle come out in one run;
 * a stage tolerates what an earlier one found wrong (an unknown type reads as dynamic).
 */
public final class Checker {
  private Checker() {}

  /**
   * The stages, in order. CollectDeclarations must come first (everything looks names up in
   * what it collects); ResolveSchema builds the schema that the scope and type stages read;
   * Lint comes last because it reasons about rules that are otherwise valid.
   */
  static final List<CheckStage> STAGES = List.of(
      new CollectDeclarations(),
      new ResolveSchema(),
      new CheckIntents(),
      new CheckRules(),
      new CheckTypes(),
      new Lint());

  public static List<String> stageIds() {
    return STAGES.stream().map(CheckStage::id).toList();
  }

  /** Files should be given in a stable order (by path) so that rule order is reproducible. */
  public static CheckResult check(List<PolicyFile> files) {
    CheckContext ctx = new CheckContext(files);
    for (CheckStage stage : STAGES) {
      stage.run(ctx);
    }
    Diagnostics diagnostics = new Diagnostics(ctx.diagnostics);
    if (diagnostics.hasErrors()) {
      return new CheckResult(Optional.empty(), diagnostics);
    }
    CheckedBundle bundle = new CheckedBundle(files, ctx.schema, ctx.rules, ctx.intents, ctx.expandedGroups, ctx.types);
    return new CheckResult(Optional.of(bundle), diagnostics);
  }
}
