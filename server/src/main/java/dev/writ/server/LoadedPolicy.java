package dev.writ.server;

import dev.writ.engine.plan.EvaluationPlan;

/** A plan ready to decide with, and the revision it is known by (in grants, audit events, /health). */
public record LoadedPolicy(EvaluationPlan plan, String revision) {}
