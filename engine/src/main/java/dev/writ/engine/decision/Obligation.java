package dev.writ.engine.decision;

/** Something the enforcement point must carry out, and the rule that asks for it. */
public record Obligation(String name, String value, String policy) {}
