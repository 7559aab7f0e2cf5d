package dev.writ.language;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.quicktheories.QuickTheory.qt;

import dev.writ.language.ast.Declaration;
import dev.writ.language.ast.Expr;
import dev.writ.language.ast.PolicyFile;
import dev.writ.language.ast.Printer;
import dev.writ.language.ast.RuleDecl;
import dev.writ.language.check.Checker;
import dev.writ.language.diag.Diagnostic;
import dev.writ.language.format.Formatter;
import dev.writ.language.parse.ParseResult;
import dev.writ.language.parse.PolicyParser;
import dev.writ.language.source.SourceFile;
import dev.writ.language.source.Span;
import dev.writ.language.testing.AstGenerators;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Random syntax trees survive formatting: {@code parse(format(t))} equals {@code t}, and
 * formatting is idempotent. The checker never throws on them either.
 *
 * <p>Examples per property: {@code -Dwrit.examples=N} (default {@value #EXAMPLES}). A failure
 * reports QuickTheories' seed; {@code -DQT_SEED=<seed>} replays it.
 */
class RoundTripProperties {
  static final int EXAMPLES = Integer.getInteger("writ.examples", 2_000);

  static PolicyFile parse(String text) {
    ParseResult r = PolicyParser.parse(new SourceFile("generated.policy", text));
    if (r.file().isEmpty() || !r.diagnostics().isEmpty()) {
      fail("formatted text does not parse cleanly:\n" + text + "\n"
          + r.diagnostics().items().stream().map(Diagnostic::headline).collect(Collectors.joining("\n")));
    }
    return r.file().get();
  }

  @Test
  void formattedTreesParseBackToTheSameTree() {
    qt().withExamples(EXAMPLES).forAll(AstGenerators.policyFiles()).checkAssert(t -> {
      String text = Formatter.format(t);
      PolicyFile back = parse(text);
      assertEquals(t, back, () -> "tree changed by format + parse; text:\n" + text);
    });
  }

  @Test
  void formattingIsIdempotent() {
    qt().withExamples(EXAMPLES).forAll(AstGenerators.policyFiles()).checkAssert(t -> {
      String text = Formatter.format(t);
      String again = Formatter.format(parse(text));
      assertEquals(text, again);
    });
  }

  @Test
  void printedExpressionsParseBack() {
    qt().withExamples(EXAMPLES).forAll(AstGenerators.expressions(6)).checkAssert(e -> {
      String text = "forbid f {\n  when " + Printer.print(e) + "\n}\n";
      PolicyFile back = parse(text);
      RuleDecl r = (RuleDecl) back.declarations().get(0);
      assertEquals(e, ((RuleDecl.Condition) r.clauses().get(0)).expr(), () -> "printed as " + Printer.print(e));
    });
  }

  @Test
  void checkerNeverThrowsOnGeneratedTrees() {
    qt().withExamples(EXAMPLES / 2).forAll(AstGenerators.policyFiles(), AstGenerators.policyFiles())
        .checkAssert((a, b) -> {
          PolicyFile pa = parse(Formatter.format(a));
          PolicyFile pb = parse(Formatter.format(b));
          var result = Checker.check(List.of(pa, pb));
          assertEquals(result.bundle().isPresent(), !result.diagnostics().hasErrors());
          for (Diagnostic d : result.diagnostics().items()) {
            var src = d.span().source();
            assertTrue(src == pa.span().source() || src == pb.span().source(), d::headline);
            assertTrue(d.span().end() <= src.text().length(), d::headline);
          }
        });
  }

  @Test
  void normaliseAttachesAWhenToAPrecedingResourceClause() {
    var resource = new RuleDecl.ResourceClause(new dev.writ.language.ast.Selector(List.of(), Span.NONE),
        Optional.empty(), Span.NONE);
    var when = new RuleDecl.Condition(false, new Expr.BoolLit(true, Span.NONE), Span.NONE);
    var unless = new RuleDecl.Condition(true, new Expr.BoolLit(true, Span.NONE), Span.NONE);
    RuleDecl r = AstGenerators.normalise(new RuleDecl(RuleDecl.Effect.GRANT, dev.writ.language.ast.Name.of("g"),
        List.of(resource, when, resource, unless, when), Span.NONE));
    assertEquals(List.of("resource", "resource", "unless", "when"),
        r.clauses().stream().map(c -> c.kind().keyword()).toList());
    assertTrue(((RuleDecl.ResourceClause) r.clauses().get(0)).when().isPresent());
    assertTrue(((RuleDecl.ResourceClause) r.clauses().get(1)).when().isEmpty());
  }

  @Test
  void generatorsCoverEveryExpressionAndClauseKind() {
    var exprs = new java.util.HashSet<Expr.Kind>();
    qt().withExamples(1000).forAll(AstGenerators.expressions()).checkAssert(e -> exprs.add(e.kind()));
    assertEquals(Expr.Kind.values().length, exprs.size(), exprs::toString);
    var clauses = new java.util.HashSet<RuleDecl.ClauseKind>();
    qt().withExamples(1000).forAll(AstGenerators.rules()).checkAssert(r -> r.clauses().forEach(c -> clauses.add(c.kind())));
    assertEquals(RuleDecl.ClauseKind.values().length, clauses.size(), clauses::toString);
    var intentClauses = new java.util.HashSet<Class<?>>();
    qt().withExamples(500).forAll(AstGenerators.intents())
        .checkAssert(i -> i.clauses().forEach(c -> intentClauses.add(c.getClass())));
    assertEquals(5, intentClauses.size(), intentClauses::toString);
  }

  @Test
  void generatorsCoverEveryDeclarationKind() {
    var seen = new java.util.HashSet<Declaration.Kind>();
    qt().withExamples(200).forAll(AstGenerators.declarations()).checkAssert(d -> seen.add(d.kind()));
    assertEquals(Declaration.Kind.values().length, seen.size(), seen::toString);
  }
}
