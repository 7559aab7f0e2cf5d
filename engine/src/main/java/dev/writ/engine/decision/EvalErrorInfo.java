package dev.writ.engine.decision;

/** An error met while evaluating a rule: the rule, what went wrong and where ({@code file:line:col}). */
public record EvalErrorInfo(String policy, String message, String at) {}
