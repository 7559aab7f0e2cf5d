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
  private static final Checker STANDARD = new Checker(List.of(
      new CollectDeclarations(),
      new ResolveSchema(),
      new CheckIntents(),
      new CheckRules(),
      new CheckTypes(),
      new Lint()));

  /**
   * The stages, in order. CollectDeclarations must come first (everything looks names up in
   * what it collects); ResolveSchema builds the schema that the scope and type stages read;
   * Lint comes last because it reasons about rules that are otherwise valid.
   */
  private final List<CheckStage> stages;

  private Checker(List<CheckStage> stages) {
    this.stages = List.copyOf(stages);
  }

  /** Every stage, as {@link #check(List)} runs them. */
  public static Checker standard() {
    return STANDARD;
  }

  /**
   * The same checker without the named stages. Only {@code lint} can be left out without
   * changing the bundle (it only adds warnings): the benchmarks skip it, because at 100,000 rules
   * its overridden-grant test takes minutes (docs/performance.md).
   */
  public Checker without(String... ids) {
    List<String> skip = List.of(ids);
    for (String id : skip) {
      if (!stageIds().contains(id)) {
        throw new IllegalArgumentException("no checker stage `" + id + "`; the stages are " + stageIds());
      }
    }
    return new Checker(stages.stream().filter(s -> !skip.contains(s.id())).toList());
  }

  /** The ids of the stages this checker runs, in order. */
  public List<String> stageIds() {
    return stages.stream().map(CheckStage::id).toList();
  }

  /** Files should be given in a stable order (by path) so that rule order is reproducible. */
  public static CheckResult check(List<PolicyFile> files) {
    return STANDARD.run(files);
  }

  /** Runs this checker's stages; see {@link #check(List)}. */
  public CheckResult run(List<PolicyFile> files) {
    CheckContext ctx = new CheckContext(files);
    for (CheckStage stage : stages) {
      stage.run(ctx);
    }
    Diagnostics diagnostics = new Diagnostics(ctx.diagnostics);
    if (diagnostics.hasErrors()) {
      return new CheckResult(Optional.empty(), diagnostics, Resolution.of(ctx));
    }
    CheckedBundle bundle = new CheckedBundle(files, ctx.schema, ctx.rules, ctx.intents, ctx.expandedGroups, ctx.types);
    return new CheckResult(Optional.of(bundle), diagnostics, Resolution.of(ctx));
  }
}
