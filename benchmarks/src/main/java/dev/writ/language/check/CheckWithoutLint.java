package dev.writ.language.check;

import dev.writ.language.ast.PolicyFile;
import dev.writ.language.diag.Diagnostics;
import java.util.List;
import java.util.Optional;

/**
 * Benchmarks only: the checker's stages without the last one, {@code Lint}. Lint only adds
 * warnings, so the bundle (and the plan compiled from it) is the same; but its
 * overridden-grant test compares every grant with every forbid, which at 100,000 rules takes
 * minutes (see docs/performance.md). The decision benchmarks need a plan of 100,000 rules in each
 * forked JVM, so they build it through here; the compile-time benchmarks measure both paths.
 *
 * <p>NOTE(bench): this class lives in the checker's package (a split package on the class path,
 * fine outside the module system) because the stages are package-private. It must not ship in
 * anything but the benchmark jar.
 */
public final class CheckWithoutLint {
  private CheckWithoutLint() {}

  public static CheckResult check(List<PolicyFile> files) {
    CheckContext ctx = new CheckContext(files);
    for (CheckStage stage : Checker.STAGES) {
      if (!(stage instanceof Lint)) {
        stage.run(ctx);
      }
    }
    Diagnostics diagnostics = new Diagnostics(ctx.diagnostics);
    if (diagnostics.hasErrors()) {
      return new CheckResult(Optional.empty(), diagnostics);
    }
    return new CheckResult(Optional.of(new CheckedBundle(files, ctx.schema, ctx.rules, ctx.intents,
        ctx.expandedGroups, ctx.types)), diagnostics);
  }
}
