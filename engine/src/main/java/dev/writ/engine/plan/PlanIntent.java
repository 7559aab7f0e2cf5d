package dev.writ.engine.plan;

import java.util.List;

/** An intent of the plan: its parameters, its envelope, its longest grant and its drift mode. */
public record PlanIntent(String name, String description, List<Param> params, List<Allow> allows, Long maxSeconds,
                         boolean revokeOnDrift) {

  /** @param type the declared type in the language's spelling ({@code String}, {@code Set<Int>}, a type name) */
  public record Param(String name, boolean optional, String type, String pattern) {}

  /** @param on null: any resource; @param when null: no condition */
  public record Allow(List<String> actions, List<PlanSelector> on, PlanExpr when, String whenText) {}
}
