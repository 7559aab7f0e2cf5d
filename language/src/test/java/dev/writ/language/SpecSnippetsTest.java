package dev.writ.language;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.writ.language.ast.Declaration;
import dev.writ.language.ast.Expr;
import dev.writ.language.ast.IntentDecl;
import dev.writ.language.ast.PolicyFile;
import dev.writ.language.ast.RuleDecl;
import dev.writ.language.ast.Selector;
import dev.writ.language.check.CheckedRule;
import dev.writ.language.diag.Diagnostic;
import dev.writ.language.diag.DiagnosticCode;
import dev.writ.language.diag.Diagnostics;
import dev.writ.language.format.Formatter;
import dev.writ.language.parse.ParseResult;
import dev.writ.language.parse.PolicyParser;
import dev.writ.language.source.SourceFile;
import dev.writ.language.source.Span;
import dev.writ.language.testing.SpecBundle;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The policy snippets of the language specification Writ was built from (copied verbatim into {@code src/test/resources/spec/bundle})
 * form one valid strict-mode bundle, and small examples of what the spec states about syntax.
 */
class SpecSnippetsTest {
  static final String BUNDLE = SpecBundle.DIRECTORY;

  static String resource(String name) {
    return SpecBundle.resource(name);
  }

  /** The spec bundle's files, in path order. */
  static List<SourceFile> specSources() {
    return SpecBundle.sources();
  }

  static String render(Diagnostics d) {
    return d.items().stream().map(Diagnostic::headline).collect(Collectors.joining("\n"));
  }

  static PolicyFile parseOk(String text) {
    ParseResult r = PolicyParser.parse(new SourceFile("test.policy", text));
    if (!r.ok() || !r.diagnostics().isEmpty()) {
      fail("expected a clean parse of\n" + text + "\nbut got\n" + render(r.diagnostics()));
    }
    return r.file().orElseThrow();
  }

  static RuleDecl onlyRule(String text) {
    PolicyFile f = parseOk(text);
    assertEquals(1, f.declarations().size());
    return assertInstanceOf(RuleDecl.class, f.declarations().get(0));
  }

  /** The expression of the first {@code when} clause of a one-rule file. */
  static Expr when(String expression) {
    RuleDecl r = onlyRule("forbid f { when " + expression + " }");
    return r.clause(RuleDecl.Condition.class).orElseThrow().expr();
  }

  static Frontend.Result check(String... texts) {
    List<SourceFile> sources = new java.util.ArrayList<>();
    for (int i = 0; i < texts.length; i++) {
      sources.add(new SourceFile("f" + i + ".policy", texts[i]));
    }
    return Frontend.checkSources(sources);
  }

  static List<String> codes(Diagnostics d) {
    return d.items().stream().map(x -> x.code().code()).toList();
  }

  // ---- the spec bundle ---------------------------------------------------------------------

  @Test
  void specSnippetsFormOneStrictBundleWithoutDiagnostics() {
    Frontend.Result r = Frontend.checkSources(specSources());
    assertOnlyUnsponsoredAgentWarning(r);
    assertTrue(r.ok());
    var bundle = r.bundle().orElseThrow();
    assertFalse(bundle.schema().equals(dev.writ.language.vocab.Schema.EMPTY), "the bundle is strict");
    assertEquals(List.of("acme.prod.prod_db_incident_read", "acme.prod.agents_never_write_prod"),
        bundle.rules().stream().map(CheckedRule::fullName).toList());
    assertEquals(List.of("investigate_incident"), List.copyOf(bundle.intents().keySet()));
    assertEquals(List.of("db:describe", "db:select"), List.copyOf(bundle.expandedGroups().get("db:read")));
  }

  /**
   * The spec's rule for "SREs and their agents" names `agent` without `delegated`, so an agent with
   * no sponsor gets it too: the one warning the verbatim snippets produce.
   */
  private static void assertOnlyUnsponsoredAgentWarning(Frontend.Result r) {
    assertEquals(List.of(DiagnosticCode.LINT_UNSPONSORED_AGENT.code()), codes(r.diagnostics()),
        () -> "diagnostics:\n" + render(r.diagnostics()));
  }

  @Test
  void specBundleChecksFromADirectory() throws URISyntaxException {
    Path dir = Path.of(SpecSnippetsTest.class.getClassLoader().getResource(BUNDLE).toURI());
    Frontend.Result r = Frontend.checkDirectory(dir);
    assertOnlyUnsponsoredAgentWarning(r);
    assertTrue(r.ok());
    assertEquals(3, r.sources().size());
  }

  @Test
  void specRulesHaveEveryClauseOfSection6() {
    PolicyFile f = parseOk(resource(BUNDLE + "/rules.policy"));
    assertEquals("acme.prod", f.packagePrefix());
    RuleDecl grant = (RuleDecl) f.declarations().get(0);
    assertEquals(List.of("description", "owner", "controls", "principal", "action", "resource", "intent", "when",
            "unless", "ttl", "approval", "delegate", "obligation"),
        grant.clauses().stream().map(c -> c.kind().keyword()).toList());
    assertEquals(7200, grant.clause(RuleDecl.TtlClause.class).orElseThrow().seconds());
    assertTrue(grant.clause(RuleDecl.ResourceClause.class).orElseThrow().when().isPresent());
    RuleDecl forbid = (RuleDecl) f.declarations().get(1);
    Expr unless = forbid.clause(RuleDecl.Condition.class).orElseThrow().expr();
    assertInstanceOf(Expr.And.class, unless);
    assertInstanceOf(Expr.Has.class, ((Expr.And) unless).operands().get(0));
  }

  @Test
  void specSchemaAndIntentParse() {
    PolicyFile schema = parseOk(resource(BUNDLE + "/schema.policy"));
    assertEquals(11, schema.declarations().size());
    PolicyFile intents = parseOk(resource(BUNDLE + "/intents.policy"));
    IntentDecl intent = (IntentDecl) intents.declarations().get(0);
    assertEquals(14400, intent.maxSeconds().orElseThrow());
    assertEquals(IntentDecl.DriftMode.REVOKE, intent.driftMode());
    assertEquals(2, intent.params().size());
    assertTrue(intent.params().get(1).optional());
  }

  @Test
  void specFilesFormatIdempotentlyAndKeepTheirTree() {
    for (SourceFile src : specSources()) {
      PolicyFile parsed = parseOk(src.text());
      String formatted = Formatter.format(parsed);
      PolicyFile again = parseOk(formatted);
      assertEquals(parsed, again, src.path());
      assertEquals(formatted, Formatter.format(again), src.path());
    }
  }

  // ---- lexical examples ----------------------------------------------------------------

  @Test
  void durationsAreWrittenBackCanonically() {
    String formatted = Formatter.format(parseOk("""
        intent i { max 120m }
        grant g { ttl 90m when request.duration <= 3600s && request.duration > 86400s unless request.duration == 0s }
        """));
    assertTrue(formatted.contains("max 2h\n"), formatted);
    assertTrue(formatted.contains("ttl 1h30m\n"), formatted);
    assertTrue(formatted.contains("when request.duration <= 1h && request.duration > 1d\n"), formatted);
    assertTrue(formatted.contains("unless request.duration == 0s\n"), formatted);
    assertEquals(5400, onlyRule("grant g { ttl 1h30m }").clause(RuleDecl.TtlClause.class).orElseThrow().seconds());
    assertEquals(new Expr.DurationLit(7 * 86400 + 5, Span.NONE), when("7d5s"));
  }

  @Test
  void durationsOutOfOrderOrWithLeadingZerosAreErrors() {
    for (String bad : List.of("30m1h", "1h1h", "01h", "1h05m")) {
      ParseResult r = PolicyParser.parse(new SourceFile("t.policy", "grant g { ttl " + bad + " }"));
      assertFalse(r.ok(), bad);
      assertEquals(List.of("syntax.invalid-duration"), codes(r.diagnostics()), bad);
    }
  }

  @Test
  void keywordsAreAllowedWhereANameIsExpected() {
    Expr group = when("resource.group == \"x\"");
    Expr.Attr attr = (Expr.Attr) ((Expr.Binary) group).left();
    assertEquals("group", attr.attr().value());
    Expr.Has has = (Expr.Has) when("context has reason");
    assertEquals("reason", has.attr());
    assertEquals(new Expr.Var(Expr.Variable.CONTEXT, Span.NONE), has.target());
    // attribute and parameter declarations, obligation names and package parts
    PolicyFile f = parseOk("""
        package when.grant;
        resource Doc { group: String, when?: Int }
        intent i { param reason: String }
        grant g { obligation notify obligation deny "x" when resource has when && intent.reason == resource.group ttl 1h }
        """);
    assertEquals("when.grant", f.packagePrefix());
    RuleDecl g = (RuleDecl) f.declarations().get(2);
    assertEquals(List.of("notify", "deny"),
        g.clauses(RuleDecl.ObligationClause.class).stream().map(o -> o.name().value()).toList());
  }

  @Test
  void keywordsAreReservedAsTypeAndRuleNames() {
    for (String bad : List.of("grant when { }", "human grant", "grant g { principal group }")) {
      ParseResult r = PolicyParser.parse(new SourceFile("t.policy", bad));
      assertFalse(r.ok(), bad);
    }
  }

  @Test
  void formatterKeepsCommentsOfBothKinds() {
    String src = """
        // leading line comment
        /* leading block comment */
        grant g { // after the brace
          principal agent /* trailing block */
          /* before a clause */ ttl 1h // trailing line
          when /* inside an expression */ context.x == 1
        } // after the rule
        /* at the end */
        """;
    PolicyFile parsed = parseOk(src);
    String formatted = Formatter.format(parsed);
    for (String comment : List.of("// leading line comment", "/* leading block comment */", "// after the brace",
        "/* trailing block */", "/* before a clause */", "// trailing line", "/* inside an expression */",
        "// after the rule", "/* at the end */")) {
      assertTrue(formatted.contains(comment), () -> comment + " lost in\n" + formatted);
    }
    PolicyFile again = parseOk(formatted);
    assertEquals(parsed, again);
    assertEquals(formatted, Formatter.format(again));
  }

  @Test
  void aClauseEndsWhereTheNextKeywordBegins() {
    RuleDecl r = onlyRule("grant g { principal agent action \"db:read\" resource Database when resource.env == \"prod\" "
        + "when context.mfa == true unless context.x == 1 ttl 2h approval Team::\"x\" where resource.a == 1 when "
        + "context.y == 2 delegate agent, machine depth 2 obligation notify obligation log \"x\" }");
    assertEquals(List.of("principal", "action", "resource", "when", "unless", "ttl", "approval", "when", "delegate",
            "obligation", "obligation"),
        r.clauses().stream().map(c -> c.kind().keyword()).toList());
    RuleDecl.ResourceClause rc = r.clause(RuleDecl.ResourceClause.class).orElseThrow();
    assertTrue(rc.when().isPresent(), "a when right after resource belongs to it");
    RuleDecl.ApprovalClause ap = r.clause(RuleDecl.ApprovalClause.class).orElseThrow();
    assertTrue(ap.where().isPresent());
    assertInstanceOf(Expr.Binary.class, ap.where().get(), "approval's where stops at the next when");
    // a rule on one line formats to one clause per line and back
    String formatted = Formatter.format(parseOk("grant g { principal agent ttl 1h when context.a == 1 }"));
    assertEquals("grant g {\n  principal agent\n  ttl 1h\n  when context.a == 1\n}\n", formatted);
  }

  @Test
  void approvalWithCountAndWhere() {
    RuleDecl r = onlyRule("grant g { approval 2 of Team::\"x\" where resource.classification == \"restricted\" }");
    RuleDecl.ApprovalClause a = r.clause(RuleDecl.ApprovalClause.class).orElseThrow();
    assertEquals(2, a.count());
    assertEquals("Team", a.from().type().value());
    assertEquals("x", a.from().id());
    assertTrue(a.where().isPresent());
    assertEquals(1, onlyRule("grant g { approval Team::\"x\" }").clause(RuleDecl.ApprovalClause.class)
        .orElseThrow().count());
    assertTrue(Formatter.format(parseOk("grant g { approval 2 of Team::\"x\" where context.a == 1 }"))
        .contains("  approval 2 of Team::\"x\" where context.a == 1\n"));
  }

  @Test
  void likeWithEscapedStar() {
    Expr.Like like = (Expr.Like) when("resource.name like \"a\\*b*\"");
    assertEquals("a\\*b*", like.pattern(), "\\* is kept as a literal star in glob form");
    Expr.Like backslash = (Expr.Like) when("resource.name like \"a\\\\*\"");
    assertEquals("a\\\\*", backslash.pattern(), "an escaped backslash, then a wildcard");
    Expr.Like plain = (Expr.Like) when("resource.name like \"db-*\"");
    assertEquals("db-*", plain.pattern());
    String formatted = Formatter.format(parseOk("forbid f { when resource.name like \"a\\*b*\" }"));
    assertTrue(formatted.contains("when resource.name like \"a\\*b*\""), formatted);
    // outside like patterns \* is not an escape
    ParseResult bad = PolicyParser.parse(new SourceFile("t.policy", "forbid f { when resource.name == \"a\\*\" }"));
    assertEquals(List.of("syntax.invalid-escape"), codes(bad.diagnostics()));
  }

  @Test
  void setLiterals() {
    Expr.SetLit set = (Expr.SetLit) ((Expr.Binary) when("principal in [Team::\"a\", Team::\"b\"]")).right();
    assertEquals(2, set.elements().size());
    assertEquals(new Expr.SetLit(List.of(), Span.NONE), ((Expr.MethodCall) when("resource.tags.containsAny([])")).args().get(0));
    Expr nested = when("[[1, 2], [\"a\"], []].contains([1, 2])");
    assertInstanceOf(Expr.MethodCall.class, nested);
    assertEquals(3, ((Expr.SetLit) ((Expr.MethodCall) nested).target()).elements().size());
    assertEquals(2, ((Expr.SetLit) ((Expr.MethodCall) when("[1, 2,].contains(1)")).target()).elements().size(),
        "a trailing comma is allowed");
  }

  @Test
  void quotedContextKeys() {
    Expr.Index ix = (Expr.Index) ((Expr.Binary) when("context[\"source-ip\"] == \"10.0.0.1\"")).left();
    assertEquals("source-ip", ix.key());
    assertEquals(new Expr.Var(Expr.Variable.CONTEXT, Span.NONE), ix.target());
    assertTrue(Formatter.format(parseOk("forbid f { when context[\"source-ip\"] like \"10.*\" }"))
        .contains("when context[\"source-ip\"] like \"10.*\""));
    Expr.Has has = (Expr.Has) when("context has \"source-ip\"");
    assertEquals("source-ip", has.attr());
  }

  @Test
  void negativeLiterals() {
    assertEquals(new Expr.Neg(new Expr.IntLit(5, Span.NONE), Span.NONE), when("-5"));
    assertEquals(new Expr.IntLit(Long.MIN_VALUE, Span.NONE), when("-9223372036854775808"));
    assertEquals(new Expr.IntLit(Long.MAX_VALUE, Span.NONE), when("9223372036854775807"));
    assertEquals(new Expr.Neg(new Expr.IntLit(Long.MIN_VALUE, Span.NONE), Span.NONE), when("--9223372036854775808"));
    Expr.Binary sub = (Expr.Binary) when("1 - -9223372036854775808");
    assertEquals(Expr.BinaryOp.SUB, sub.op());
    assertEquals(new Expr.IntLit(Long.MIN_VALUE, Span.NONE), sub.right());
    for (String bad : List.of("9223372036854775808", "-9223372036854775809", "007")) {
      ParseResult r = PolicyParser.parse(new SourceFile("t.policy", "forbid f { when context.x == " + bad + " }"));
      assertEquals(List.of("syntax.invalid-integer"), codes(r.diagnostics()), bad);
    }
    String formatted = Formatter.format(parseOk("forbid f { when context.x > -9223372036854775808 && context.y == - 5 }"));
    assertTrue(formatted.contains("when context.x > -9223372036854775808 && context.y == -5"), formatted);
  }

  @Test
  void standingAndDelegatedParseAndFormatBack() {
    RuleDecl r = onlyRule("grant g { principal Employee in Team::\"sre\", delegated agent "
        + "standing \"auditors read at any time\" delegate agent depth 1 }");
    List<Selector.Alt> alts = r.clause(RuleDecl.PrincipalClause.class).orElseThrow().selector().alternatives();
    assertEquals(List.of(false, true), alts.stream().map(Selector.Alt::delegated).toList());
    assertEquals(java.util.Optional.of("auditors read at any time"), r.meta(RuleDecl.ClauseKind.STANDING));
    String formatted = Formatter.format(parseOk("grant g { principal delegated agent in Team::\"sre\" standing \"x\" }"));
    assertTrue(formatted.contains("principal delegated agent in Team::\"sre\"\n"), formatted);
    assertTrue(formatted.contains("standing \"x\"\n"), formatted);
  }

  @Test
  void dynamicModeAcceptsUnknownAttributesButNotUnknownIntents() {
    Frontend.Result ok = check("""
        intent investigate { param ticket: String }
        grant g {
          principal human
          action "db:read"
          resource Database
          intent investigate
          when principal.anything == 1 && resource.whatever.contains("x") && intent.ticket like "INC-*"
          ttl 1h
        }
        """);
    assertTrue(ok.diagnostics().isEmpty(), () -> render(ok.diagnostics()));
    assertTrue(ok.ok());

    Frontend.Result unknownIntent = check("""
        grant g { principal human intent investigat when principal.anything == 1 ttl 1h }
        """);
    assertFalse(unknownIntent.ok());
    assertEquals(List.of(DiagnosticCode.NAME_UNKNOWN_INTENT.code()), codes(unknownIntent.diagnostics()));

    // the same attribute is an error once the bundle declares an entity type
    Frontend.Result strict = check("""
        human Employee { department: String }
        grant g { principal Employee when principal.anything == 1 ttl 1h }
        """);
    assertFalse(strict.ok());
    assertEquals(List.of(DiagnosticCode.NAME_UNKNOWN_ATTRIBUTE.code()), codes(strict.diagnostics()));
  }
}
