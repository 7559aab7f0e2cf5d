package dev.writ.language;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;

import dev.writ.language.ast.Expr;
import dev.writ.language.ast.RuleDecl;
import dev.writ.language.format.Formatter;
import dev.writ.language.parse.ParseLimits;
import dev.writ.language.parse.ParseResult;
import dev.writ.language.parse.PolicyParser;
import dev.writ.language.source.SourceFile;
import dev.writ.language.testing.Draw;
import java.time.Duration;
import java.util.List;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

/**
 * Deep nesting is refused with a diagnostic, never a {@link StackOverflowError}; long flat
 * chains are accepted, or refused when they build a deep tree; big files are refused early.
 *
 * <p>Examples per property: {@code -Dwrit.examples=N} (default {@value #EXAMPLES}). A failure
 * reports QuickTheories' seed; {@code -DQT_SEED=<seed>} replays it.
 */
class NestingLimitsProperties {
  static final int EXAMPLES = Integer.getInteger("writ.examples", 1_000);
  /** Nesting the default limits accept: brackets and prefix operators (the rule's braces count too). */
  static final int TOKEN_LIMIT = ParseLimits.DEFAULT.maxNesting();
  /** Depth of the syntax tree the default limits accept (postfix and `+` chains). */
  static final int TREE_LIMIT = ParseLimits.DEFAULT.maxNesting() * 4;

  static String when(String expr) {
    return "forbid f { when " + expr + " }";
  }

  /** Ways to nest, each as text with {@code n} levels. */
  enum Shape {
    PARENS(n -> when("(".repeat(n) + "true" + ")".repeat(n)), true),
    NOTS(n -> when("!".repeat(n) + "true"), true),
    NEGS(n -> when("-".repeat(n) + "1 == 1"), true),
    NOT_PARENS(n -> when("!(".repeat(n) + "true" + ")".repeat(n)), true),
    SETS(n -> when("[".repeat(n) + "1" + "]".repeat(n) + ".contains(1)"), true),
    SET_ELEMENTS(n -> when("[1, ".repeat(n) + "2" + "]".repeat(n) + ".contains(1)"), true),
    CALLS(n -> when("size(".repeat(n) + "\"x\"" + ")".repeat(n) + " == 1"), true),
    METHODS(n -> when("context.a" + ".contains(context.a".repeat(n) + ")".repeat(n)), true),
    MIXED(n -> {
      StringBuilder open = new StringBuilder();
      StringBuilder close = new StringBuilder();
      String[][] kinds = {{"(", ")"}, {"[", "]"}, {"!(", ")"}, {"-(", ")"}, {"lower(", ")"}};
      for (int i = 0; i < n; i++) {
        String[] k = kinds[(i * 7 + n) % kinds.length];
        open.append(k[0]);
        close.insert(0, k[1]);
      }
      return when(open + "1" + close);
    }, true),
    SET_TYPES(n -> "human H { a: " + "Set<".repeat(n) + "String" + ">".repeat(n) + " }", true),
    UNCLOSED(n -> when("(".repeat(n)), true),
    BRACES(n -> "grant g " + "{".repeat(n), true),
    SUMS(n -> when("1" + " + 1".repeat(n) + " == 1"), false),
    DIFFERENCES(n -> when("1" + " - -1".repeat(n) + " == 1"), false),
    ATTRIBUTES(n -> when("context" + ".a".repeat(n) + " == 1"), false),
    INDEXES(n -> when("context" + "[\"a\"]".repeat(n) + " == 1"), false);

    final IntFunction<String> text;
    /** Counted on tokens (limit {@link #TOKEN_LIMIT}) rather than on the tree. */
    final boolean tokenLevel;

    Shape(IntFunction<String> text, boolean tokenLevel) {
      this.text = text;
      this.tokenLevel = tokenLevel;
    }
  }

  static ParseResult parse(String text) {
    return ParserRobustnessProperties.parseChecked(text, ParseLimits.DEFAULT);
  }

  static List<String> codes(ParseResult r) {
    return r.diagnostics().items().stream().map(d -> d.code().code()).distinct().toList();
  }

  static void assertRefused(String text) {
    ParseResult r = parse(text);
    assertFalse(r.ok());
    assertTrue(codes(r).contains("limit.nesting"), () -> "no limit.nesting but " + codes(r));
  }

  // ---- properties ------------------------------------------------------------------------

  record Case(Shape shape, int depth) {
    @Override
    public String toString() {
      return shape + " x " + depth;
    }
  }

  static Gen<Case> tooDeep() {
    return Draw.gen(d -> {
      Shape s = d.pick(Shape.values());
      int min = (s.tokenLevel ? TOKEN_LIMIT : TREE_LIMIT) + 1;
      return new Case(s, d.weighted(Draw.w(3, () -> d.between(min, min + 100)), Draw.w(1, () -> d.between(min, 5_000))));
    });
  }

  @Test
  void tooDeepIsRefusedWithALimitDiagnostic() {
    qt().withExamples(EXAMPLES).forAll(tooDeep()).checkAssert(c -> assertRefused(c.shape().text.apply(c.depth())));
  }

  @Test
  void withinTheLimitsParses() {
    Gen<Case> ok = Draw.gen(d -> {
      Shape s = d.pick(List.of(Shape.values()).stream().filter(x -> x != Shape.UNCLOSED && x != Shape.BRACES).toList());
      // the rule's braces and the expression's own levels take a few of the allowed levels
      int max = s.tokenLevel ? TOKEN_LIMIT - 3 : TREE_LIMIT - 3;
      return new Case(s, d.between(0, max));
    });
    qt().withExamples(EXAMPLES).forAll(ok).checkAssert(c -> {
      String text = c.shape().text.apply(c.depth());
      ParseResult r = parse(text);
      assertTrue(r.ok(), () -> c + ": " + codes(r));
      // and what parses formats back to the same tree
      ParseResult again = parse(Formatter.format(r.file().get()));
      assertEquals(r.file().get().declarations(), again.file().orElseThrow().declarations());
    });
  }

  /** Runs {@code body} on a thread with {@code stackBytes} of stack, rethrowing what it throws. */
  static void onStack(long stackBytes, Runnable body) throws InterruptedException {
    Throwable[] thrown = {null};
    Thread t = new Thread(null, () -> {
      try {
        body.run();
      } catch (Throwable e) {
        thrown[0] = e;
      }
    }, "small-stack", stackBytes);
    t.start();
    t.join();
    if (thrown[0] != null) {
      throw new AssertionError("on a " + stackBytes / 1024 + " KiB stack", thrown[0]);
    }
  }

  @Test
  void theDeepestAcceptedFilesNeedNoMoreThanADefaultThreadStack() throws InterruptedException {
    // Servers run requests on threads with the JVM's default stack (1 MiB on 64-bit Linux),
    // not on the main thread's 8 MiB. Everything the default limits let through, valid or with
    // a syntax error at the bottom (which takes the slower LL path with error recovery), must
    // parse, check and format there. (About 512 KiB is enough today.)
    onStack(1 << 20, () -> {
      for (Shape s : Shape.values()) {
        if (s == Shape.UNCLOSED || s == Shape.BRACES) {
          continue;
        }
        int depth = s.tokenLevel ? TOKEN_LIMIT - 3 : TREE_LIMIT - 3;
        String text = s.text.apply(depth);
        ParseResult r = parse(text);
        assertTrue(r.ok(), () -> s + ": " + codes(r));
        assertTrue(Frontend.checkSources(List.of(new SourceFile("deep.policy", text))).diagnostics().items().stream()
            .noneMatch(d -> d.code().code().startsWith("limit.")));
        Formatter.format(r.file().get());
        for (String broken : List.of(" +", " == 1 == 2", " ===", " )")) {
          String bad = text.replaceFirst("(1|true|context\\.a|\"x\"|String)", "$1" + broken);
          assertFalse(parse(bad).ok(), bad);
        }
      }
    });
    // refusing is cheap
    onStack(256 << 10, () -> {
      for (Shape s : Shape.values()) {
        assertRefused(s.text.apply(s.tokenLevel ? 10_000 : 2_000));
      }
    });
  }

  // ---- the big ones ----------------------------------------------------------------------

  @Test
  void tenThousandParentheses() {
    assertRefused(Shape.PARENS.text.apply(10_000));
    assertRefused(Shape.UNCLOSED.text.apply(100_000));
    assertRefused(when(")".repeat(10_000) + "(".repeat(10_000)));
  }

  @Test
  void tenThousandNots() {
    assertRefused(Shape.NOTS.text.apply(10_000));
    assertRefused(Shape.NEGS.text.apply(10_000));
    assertRefused(Shape.NOT_PARENS.text.apply(10_000));
  }

  @Test
  void deeplyNestedSetLiteralsAndCalls() {
    assertRefused(Shape.SETS.text.apply(10_000));
    assertRefused(Shape.SET_ELEMENTS.text.apply(10_000));
    assertRefused(Shape.CALLS.text.apply(10_000));
    assertRefused(Shape.METHODS.text.apply(10_000));
    assertRefused(Shape.MIXED.text.apply(10_000));
  }

  @Test
  void deeplyNestedSetTypes() {
    assertRefused(Shape.SET_TYPES.text.apply(100_000));
    assertRefused("intent i { param p: " + "Set<".repeat(100_000) + "Int" + ">".repeat(100_000) + " }");
  }

  @Test
  void hundredThousandTermSumsAndChains() {
    // The tree of `1 + 1 + ...` is as deep as it is long: refused. Building it used to take
    // quadratic time (90 s for 100,000 terms); the generous timeout guards against that.
    assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
      assertRefused(Shape.SUMS.text.apply(100_000));
      assertRefused(Shape.DIFFERENCES.text.apply(100_000));
      assertRefused(Shape.ATTRIBUTES.text.apply(100_000));
      assertRefused(Shape.INDEXES.text.apply(100_000));
    });
  }

  @Test
  void longAndOrChainsAreFlatAndAccepted() {
    // && and || are n-ary, so a long chain is a flat list: accepted, checked and formatted
    int n = 10_000;
    String and = when("context.a == 1" + " && context.a == 1".repeat(n));
    ParseResult r = parse(and);
    assertTrue(r.ok(), () -> codes(r).toString());
    Expr e = ((RuleDecl) r.file().get().declarations().get(0)).clause(RuleDecl.Condition.class).get().expr();
    assertEquals(n + 1, ((Expr.And) e).operands().size());
    Frontend.Result checked = Frontend.checkSources(List.of(new SourceFile("and.policy", and)));
    assertTrue(checked.ok(), () -> checked.diagnostics().toString());
    String formatted = Formatter.format(r.file().get());
    assertEquals(r.file().get().declarations(), parse(formatted).file().orElseThrow().declarations());

    String or = when("true" + " || !context.b".repeat(n));
    ParseResult r2 = parse(or);
    assertTrue(r2.ok(), () -> codes(r2).toString());
    assertTrue(Frontend.checkSources(List.of(new SourceFile("or.policy", or))).ok());

    String mixed = when(("context.a == 1 && context.b || ").repeat(n) + "true");
    assertTrue(parse(mixed).ok());
  }

  @Test
  void manyDeclarationsAndClausesAreFine() {
    assertTrue(parse("group G\n".repeat(20_000)).ok());
    assertTrue(parse("grant g {" + " when true".repeat(20_000) + " }").ok());
    assertTrue(parse("grant g { principal " + "agent, ".repeat(20_000) + "agent }").ok());
    assertTrue(parse("package " + "a.".repeat(20_000) + "b;").ok());
  }

  @Test
  void fileSizeLimit() {
    ParseLimits small = new ParseLimits(1_000, 64, 25);
    String big = "group G\n".repeat(200);
    ParseResult r = ParserRobustnessProperties.parseChecked(big, small);
    assertFalse(r.ok());
    assertEquals(List.of("limit.file-size"), codes(r));
    assertTrue(ParserRobustnessProperties.parseChecked(big.substring(0, 1_000 - 1_000 % 8), small).ok());
    // the default limit is 16 MiB; a file just over it is refused before lexing
    String huge = "/*" + " ".repeat(ParseLimits.DEFAULT.maxFileChars()) + "*/";
    assertEquals(List.of("limit.file-size"), codes(parse(huge)));
  }

  @Test
  void tooManyErrorsStopsEarly() {
    ParseResult r = parse("grant g { ttl x }\n".repeat(10_000));
    assertTrue(codes(r).contains("limit.too-many-errors"), () -> codes(r).toString());
    assertTrue(r.diagnostics().items().size() <= ParseLimits.DEFAULT.maxErrors() + 2);
    ParseResult chars = parse("#".repeat(10_000));
    assertTrue(codes(chars).contains("limit.too-many-errors"));
    assertTrue(chars.diagnostics().items().size() <= ParseLimits.DEFAULT.maxErrors() + 2);
  }
}
