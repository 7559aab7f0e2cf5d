package dev.writ.language.check;

import dev.writ.language.ast.PolicyFile;
import dev.writ.language.ast.RuleDecl;

/**
 * A rule that passed the checker, with its full name ({@code package.name}) and its position in
 * the bundle (files in path order, rules in source order) for stable output.
 */
public record CheckedRule(String fullName, RuleDecl decl, PolicyFile file, int order) {
  public boolean isGrant() {
    return decl.effect() == RuleDecl.Effect.GRANT;
  }
}
