package dev.writ.engine.compile;

import dev.writ.engine.eval.EvaluationPlan;
import dev.writ.engine.plan.PlanData;
import dev.writ.language.check.CheckedBundle;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Compiles a checked bundle into plan data, in stages that this class runs in order:
 *
 * <ol>
 *   <li>{@code lower}: syntax tree to plan data (groups expanded, selectors and expressions as data);</li>
 *   <li>{@code fold-constants}: literal-only subexpressions evaluated once.</li>
 * </ol>
 *
 * The plan data is what a bundle stores. {@link EvaluationPlan#of} then binds attributes to slots,
 * compiles expressions and builds the rule indexes; loading a bundle runs only that part.
 * {@link #upTo} and {@link #without} give a compiler that runs fewer stages (for tests and
 * measurements); {@code lower} always runs, as its input is the bundle.
 */
public final class PlanCompiler {
  /** A stage after {@code lower}: a rewrite of plan data that keeps its meaning. */
  interface Pass {
    String id();

    PlanData run(PlanData data);
  }

  public static final String LOWER = "lower";

  private static final PlanCompiler STANDARD = new PlanCompiler(List.of(new FoldConstants()));

  private final List<Pass> passes;

  private PlanCompiler(List<Pass> passes) {
    this.passes = List.copyOf(passes);
  }

  /** Every stage. */
  public static PlanCompiler standard() {
    return STANDARD;
  }

  /** The ids of the stages this compiler runs, in order. */
  public List<String> stageIds() {
    List<String> ids = new ArrayList<>();
    ids.add(LOWER);
    passes.forEach(p -> ids.add(p.id()));
    return ids;
  }

  /** The same compiler, stopping after stage {@code id}. */
  public PlanCompiler upTo(String id) {
    int last = requireStage(id);
    return new PlanCompiler(passes.subList(0, last));
  }

  /** The same compiler without stage {@code id} (any stage but {@code lower}). */
  public PlanCompiler without(String id) {
    if (requireStage(id) == 0) {
      throw new IllegalArgumentException("`" + LOWER + "` cannot be left out: it makes the plan data");
    }
    return new PlanCompiler(passes.stream().filter(p -> !p.id().equals(id)).toList());
  }

  /** The index of stage {@code id} in {@link #stageIds()}. */
  private int requireStage(String id) {
    int i = stageIds().indexOf(id);
    if (i < 0) {
      throw new IllegalArgumentException("no compiler stage `" + id + "`; the stages are " + stageIds());
    }
    return i;
  }

  /** Runs the stages, telling {@code ran} the id of each as it finishes. */
  public PlanData run(CheckedBundle bundle, Consumer<String> ran) {
    PlanData data = new Lower(bundle).run(bundle);
    ran.accept(LOWER);
    for (Pass p : passes) {
      data = p.run(data);
      ran.accept(p.id());
    }
    return data;
  }

  public PlanData run(CheckedBundle bundle) {
    return run(bundle, id -> { });
  }

  /** The plan data of a bundle: every stage. */
  public static PlanData lower(CheckedBundle bundle) {
    return STANDARD.run(bundle);
  }

  public static EvaluationPlan compile(CheckedBundle bundle) {
    return EvaluationPlan.of(lower(bundle));
  }
}
