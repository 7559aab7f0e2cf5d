package dev.writ.lsp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.writ.language.Frontend;
import dev.writ.language.diag.Diagnostic;
import dev.writ.language.format.Formatter;
import dev.writ.language.parse.PolicyParser;
import dev.writ.language.source.SourceFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.eclipse.lsp4j.CompletionItem;
import org.eclipse.lsp4j.DocumentFormattingParams;
import org.eclipse.lsp4j.DocumentSymbol;
import org.eclipse.lsp4j.DocumentSymbolParams;
import org.eclipse.lsp4j.FormattingOptions;
import org.eclipse.lsp4j.Hover;
import org.eclipse.lsp4j.Location;
import org.eclipse.lsp4j.Position;
import org.eclipse.lsp4j.PublishDiagnosticsParams;
import org.eclipse.lsp4j.Range;
import org.eclipse.lsp4j.TextDocumentIdentifier;
import org.eclipse.lsp4j.TextEdit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The server driven through LSP4J's launchers in this JVM, on a workspace folder of real files. */
class LanguageServerTest {
  static final String SCHEMA = """
      human    Employee  in [Team]    { department: String, mfa: Bool }
      agent    Assistant in [Team]    { model: String }
      resource Database                { env: String, tags: Set<String> }
      group    Team

      action "db:select", "db:describe", "db:insert" on Database
      action group "db:read" = ["db:select", "db:describe"]

      intent investigate {
        description "Read-only investigation of an incident"
        param ticket: String matches "^INC-[0-9]+$"
        allow "db:read" on Database
        max 4h
      }
      """;

  static final String RULES = """
      package acme;

      grant sre_read {
        description "SREs read production databases during an incident"
        principal Employee in Team::"sre"
        action "db:read"
        resource Database when resource.env == "prod"
        intent investigate
        when principal.department == "sre" && intent.ticket like "INC-*"
        ttl 1h
      }
      """;

  @TempDir
  Path dir;
  Path schema;
  Path rules;
  Client client;

  @BeforeEach
  void start() throws Exception {
    schema = Files.writeString(dir.resolve("schema.policy"), SCHEMA);
    rules = Files.writeString(dir.resolve("rules.policy"), RULES);
    client = new Client(dir, 20);
  }

  @AfterEach
  void stop() throws Exception {
    client.close();
  }

  /** The codes, messages and positions `writ check` gives for the folder as it is on disk. */
  private List<Diagnostic> writCheck() {
    return Frontend.checkDirectory(dir).diagnostics().items();
  }

  @Test
  void everyFileOfTheBundleGetsItsDiagnosticsOnceAndTheyAreExactlyWritChecks() throws Exception {
    String broken = RULES.replace("principal Employee in", "principal Employe in");
    Files.writeString(rules, broken);
    client.open(rules, broken);
    PublishDiagnosticsParams p = client.diagnosticsFor(rules, d -> !d.getDiagnostics().isEmpty());
    List<Diagnostic> expected = writCheck();
    assertEquals(1, expected.size(), expected.toString());
    Diagnostic e = expected.get(0);
    assertEquals(1, p.getDiagnostics().size(), p.toString());
    org.eclipse.lsp4j.Diagnostic got = p.getDiagnostics().get(0);
    assertEquals(e.code().code(), got.getCode().getLeft());
    assertEquals(e.message(), got.getMessage().getLeft());
    assertEquals("writ", got.getSource());
    assertEquals(new Range(new Position(e.span().line() - 1, e.span().column() - 1),
        new Position(e.span().line() - 1, e.span().column() - 1 + "Employe".length())), got.getRange());
    assertEquals(4, got.getRange().getStart().getLine());
    assertEquals("hint: " + e.hint().get(), got.getRelatedInformation().get(0).getMessage());
    // The file without problems is published too, with nothing in it.
    assertTrue(client.diagnosticsFor(schema, d -> true).getDiagnostics().isEmpty());
  }

  @Test
  void aFixClearsTheDiagnosticAndAChangeInOneFileReportsInAnother() throws Exception {
    client.open(schema, SCHEMA);
    client.diagnosticsFor(rules, d -> d.getDiagnostics().isEmpty());
    // Renaming the type in the schema (unsaved) breaks the rules file, which is not open.
    String renamed = SCHEMA.replace("human    Employee ", "human    Staff    ");
    client.change(schema, renamed);
    PublishDiagnosticsParams broken = client.diagnosticsFor(rules, d -> !d.getDiagnostics().isEmpty());
    assertEquals("name.unknown-type", broken.getDiagnostics().get(0).getCode().getLeft());
    assertEquals("unknown entity type `Employee`", broken.getDiagnostics().get(0).getMessage().getLeft());
    client.change(schema, SCHEMA);
    assertTrue(client.diagnosticsFor(rules, d -> d.getDiagnostics().isEmpty()).getDiagnostics().isEmpty());
  }

  @Test
  void syntaxErrorsAreReportedAsWritCheckReportsThemAndIncrementalEditsApply() throws Exception {
    client.open(rules, RULES);
    client.diagnosticsFor(rules, d -> d.getDiagnostics().isEmpty());
    // Delete the `{` after the rule name: line 2, characters 15..17 (" {").
    client.edit(rules, new Range(new Position(2, 14), new Position(2, 16)), "");
    PublishDiagnosticsParams p = client.diagnosticsFor(rules, d -> !d.getDiagnostics().isEmpty());
    String text = RULES.replace("grant sre_read {", "grant sre_read");
    Path copy = Files.createTempDirectory("writ-lsp-copy");
    Files.writeString(copy.resolve("rules.policy"), text);
    Files.writeString(copy.resolve("schema.policy"), SCHEMA);
    List<Diagnostic> expected = Frontend.checkDirectory(copy).diagnostics().items();
    assertEquals(expected.stream().map(d -> d.code().code() + " " + d.message() + " " + (d.span().line() - 1))
            .toList(),
        p.getDiagnostics().stream().map(d -> d.getCode().getLeft() + " " + d.getMessage().getLeft() + " "
            + d.getRange().getStart().getLine()).toList());
  }

  @Test
  void goesToTheDefinitionOfTypesIntentsAttributesGroupsParametersAndRules() {
    client.open(rules, RULES);
    client.diagnosticsFor(rules, d -> true);
    assertLocation(client.definition(rules, 4, col(RULES, 4, "Employee") + 1), schema, 0, col(SCHEMA, 0, "Employee"));
    assertLocation(client.definition(rules, 4, col(RULES, 4, "Team")), schema, 3, col(SCHEMA, 3, "Team"));
    assertLocation(client.definition(rules, 5, col(RULES, 5, "db:read")), schema, 6, col(SCHEMA, 6, "\"db:read\""));
    assertLocation(client.definition(rules, 7, col(RULES, 7, "investigate") + 3), schema, 8,
        col(SCHEMA, 8, "investigate"));
    // principal.department, intent.ticket
    assertLocation(client.definition(rules, 8, col(RULES, 8, "department") + 2), schema, 0, col(SCHEMA, 0, "department"));
    assertLocation(client.definition(rules, 8, col(RULES, 8, "ticket")), schema, 10, col(SCHEMA, 10, "ticket"));
    // resource.env, an attribute of Database
    assertLocation(client.definition(rules, 6, col(RULES, 6, "env")), schema, 2, col(SCHEMA, 2, "env"));
    // a cursor just after a name still finds it
    assertLocation(client.definition(rules, 4, col(RULES, 4, "Employee") + "Employee".length()), schema, 0,
        col(SCHEMA, 0, "Employee"));
    // the rule's own name is its declaration
    assertLocation(client.definition(rules, 2, col(RULES, 2, "sre_read") + 1), rules, 2, col(RULES, 2, "sre_read"));
    // nothing on a keyword
    assertTrue(client.definition(rules, 3, 3).isEmpty());
  }

  static int col(String text, int line, String needle) {
    int c = text.lines().toList().get(line).indexOf(needle);
    assertTrue(c >= 0, needle + " on line " + line);
    return c;
  }

  private void assertLocation(List<? extends Location> got, Path file, int line, int character) {
    assertEquals(1, got.size(), got.toString());
    assertEquals(Client.uri(file), got.get(0).getUri());
    assertEquals(new Position(line, character), got.get(0).getRange().getStart(), got.toString());
  }

  @Test
  void findsEveryReferenceAcrossFiles() {
    List<? extends Location> refs = client.references(schema, 0, col(SCHEMA, 0, "Employee"), true);
    Set<String> where = refs.stream().map(l -> Path.of(java.net.URI.create(l.getUri())).getFileName() + ":"
        + l.getRange().getStart().getLine() + ":" + l.getRange().getStart().getCharacter()).collect(Collectors.toSet());
    assertEquals(Set.of("schema.policy:0:" + col(SCHEMA, 0, "Employee"), "rules.policy:4:" + col(RULES, 4, "Employee")),
        where);
    assertEquals(1, client.references(schema, 0, col(SCHEMA, 0, "Employee"), false).size());
    // the group, from its declaration: the intent's allow and the rule's action clause
    List<? extends Location> group = client.references(schema, 6, col(SCHEMA, 6, "db:read"), false);
    assertEquals(2, group.size(), group.toString());
    // an attribute: its declaration and the read in the rule
    assertEquals(2, client.references(schema, 0, col(SCHEMA, 0, "department"), true).size());
  }

  @Test
  void hoverShowsTheDeclarationItsTypeAndDescriptionAndARulesClauses() {
    Hover rule = client.hover(rules, 2, col(RULES, 2, "sre_read"));
    String text = rule.getContents().getRight().getValue();
    assertTrue(text.contains("**grant** `acme.sre_read`"), text);
    assertTrue(text.contains("SREs read production databases"), text);
    assertTrue(text.contains("principal Employee in Team::\"sre\""), text);
    assertTrue(text.contains("ttl 1h"), text);
    Hover attr = client.hover(rules, 8, RULES.lines().toList().get(8).indexOf("department"));
    assertTrue(attr.getContents().getRight().getValue().contains("Employee.department: String"),
        attr.getContents().getRight().getValue());
    Hover intent = client.hover(rules, 7, col(RULES, 7, "investigate"));
    assertTrue(intent.getContents().getRight().getValue().startsWith("Read-only investigation of an incident"));
    assertTrue(intent.getContents().getRight().getValue().contains("param ticket: String"));
    Hover group = client.hover(rules, 5, col(RULES, 5, "db:read"));
    assertTrue(group.getContents().getRight().getValue().contains("expands to `db:describe`, `db:select`"),
        group.getContents().getRight().getValue());
    assertNull(client.hover(rules, 0, 1));
  }

  @Test
  void formatsTheWholeDocumentAsWritFmt() {
    String messy = "grant   a{principal Employee action \"db:select\"   ttl 1h}\n";
    Path f = dir.resolve("messy.policy");
    client.open(f, messy);
    List<? extends TextEdit> edits = Client.get(client.server.getTextDocumentService().formatting(
        new DocumentFormattingParams(new TextDocumentIdentifier(Client.uri(f)), new FormattingOptions(2, true))));
    assertEquals(1, edits.size());
    String expected = Formatter.format(PolicyParser.parse(new SourceFile("messy.policy", messy)).file().get());
    assertEquals(expected, edits.get(0).getNewText());
    assertEquals(new Range(new Position(0, 0), new Position(1, 0)), edits.get(0).getRange());
    // formatted text needs no edit; a file with syntax errors gets none
    client.change(f, expected);
    assertTrue(Client.get(client.server.getTextDocumentService().formatting(new DocumentFormattingParams(
        new TextDocumentIdentifier(Client.uri(f)), new FormattingOptions(2, true)))).isEmpty());
    client.change(f, "grant a {");
    assertTrue(Client.get(client.server.getTextDocumentService().formatting(new DocumentFormattingParams(
        new TextDocumentIdentifier(Client.uri(f)), new FormattingOptions(2, true)))).isEmpty());
  }

  @Test
  void documentSymbolsListTypesIntentsGroupsAndRules() {
    List<DocumentSymbol> symbols = Client.get(client.server.getTextDocumentService().documentSymbol(
        new DocumentSymbolParams(new TextDocumentIdentifier(Client.uri(schema))))).stream()
        .map(e -> e.getRight()).toList();
    assertEquals(List.of("Employee", "Assistant", "Database", "Team", "db:select, db:describe, db:insert", "db:read",
        "investigate"), symbols.stream().map(DocumentSymbol::getName).toList());
    assertEquals(List.of("department", "mfa"), symbols.get(0).getChildren().stream().map(DocumentSymbol::getName).toList());
    assertEquals(List.of("ticket"), symbols.get(6).getChildren().stream().map(DocumentSymbol::getName).toList());
    List<DocumentSymbol> ruleSymbols = Client.get(client.server.getTextDocumentService().documentSymbol(
        new DocumentSymbolParams(new TextDocumentIdentifier(Client.uri(rules))))).stream()
        .map(e -> e.getRight()).toList();
    assertEquals(List.of("acme.sre_read"), ruleSymbols.stream().map(DocumentSymbol::getName).toList());
  }

  // ---- completion ----------------------------------------------------------------------

  private List<String> complete(String text) {
    int at = text.indexOf('|');
    String body = text.substring(0, at) + text.substring(at + 1);
    Path f = dir.resolve("rules.policy");
    client.change(f, body);
    LineMap lines = new LineMap(body);
    Position p = lines.position(at);
    return client.completion(f, p.getLine(), p.getCharacter()).stream().map(CompletionItem::getLabel).toList();
  }

  @Test
  void completesWhatMayBeTypedWhereTheCursorIs() {
    client.open(rules, RULES);
    client.diagnosticsFor(rules, d -> true);
    // attributes of the rule's principal type, from the schema
    List<String> attrs = complete(RULES.replace("when principal.department", "when principal.|department"));
    assertEquals(List.of("department", "mfa"), attrs);
    // resource attributes
    assertEquals(List.of("env", "tags"), complete(RULES.replace("when resource.env", "when resource.|env")));
    // intent parameters of the rule's intents
    assertEquals(List.of("name", "ticket"), complete(RULES.replace("intent.ticket", "intent.|ticket")));
    // context keys read elsewhere in the bundle: none yet
    assertTrue(complete(RULES.replace("ttl 1h", "when context.| ttl 1h")).isEmpty());
    // entity types where a principal is selected
    List<String> principal = complete(RULES.replace("principal Employee in", "principal | in"));
    assertTrue(principal.containsAll(List.of("Employee", "Assistant", "human", "agent", "any")), principal.toString());
    assertFalse(principal.contains("Database"), principal.toString());
    // resources
    List<String> resource = complete(RULES.replace("resource Database when", "resource Dat| when"));
    assertTrue(resource.contains("Database") && !resource.contains("Employee"), resource.toString());
    // intents after `intent`
    assertEquals(List.of("investigate"), complete(RULES.replace("intent investigate", "intent inv|")));
    // actions and groups, quoted, after `action`, and inside a string
    List<String> actions = complete(RULES.replace("action \"db:read\"", "action |"));
    assertTrue(actions.containsAll(List.of("db:select", "db:describe", "db:insert", "db:read")), actions.toString());
    assertTrue(complete(RULES.replace("action \"db:read\"", "action \"db:|")).contains("db:read"));
    // clause keywords where a clause may start
    List<String> clauses = complete(RULES.replace("  ttl 1h\n", "  |\n"));
    assertTrue(clauses.containsAll(List.of("principal", "action", "resource", "when", "unless", "ttl", "approval",
        "delegate", "obligation")), clauses.toString());
    // a forbid rule offers no grant-only clause
    List<String> forbid = complete("forbid f {\n  |\n}\n");
    assertTrue(forbid.contains("reason") && !forbid.contains("ttl"), forbid.toString());
    // declarations at the top level
    List<String> top = complete(RULES + "\n|");
    assertTrue(top.containsAll(List.of("grant", "forbid", "intent", "human", "resource", "action")), top.toString());
    // after a finished one-line declaration, the next declaration; after an action list, `on`
    assertTrue(complete("group Team\n|").contains("grant"));
    assertTrue(complete("action \"db:x\" |").contains("on"));
    assertTrue(complete("action \"db:x\" on |").contains("Database"));
    assertTrue(complete("package acme.|").isEmpty());
    // nothing inside a comment
    assertTrue(complete(RULES + "\n// principal.|").isEmpty());
  }

  @Test
  void anUnsavedBufferIsNoPartOfTheBundleAndBreaksNothing() {
    client.server.getTextDocumentService().didOpen(new org.eclipse.lsp4j.DidOpenTextDocumentParams(
        new org.eclipse.lsp4j.TextDocumentItem("untitled:Untitled-1", "writ-policy", 1, "grant {")));
    assertTrue(Client.get(client.server.getTextDocumentService().formatting(new DocumentFormattingParams(
        new TextDocumentIdentifier("untitled:Untitled-1"), new FormattingOptions(2, true)))).isEmpty());
    assertEquals(1, client.definition(rules, 4, col(RULES, 4, "Employee")).size(), "the server still answers");
    assertTrue(client.logs.stream().noneMatch(m -> m.getMessage().contains("internal error")), client.logs.toString());
  }

  @Test
  void anOpenDocumentOutsideTheBundleIsCheckedByItself() throws Exception {
    Path outside = Files.createTempFile("writ-lsp-outside", ".policy");
    try {
      client.open(outside, "grant g { principal Employee action \"db:select\" ttl 0s }\n");
      PublishDiagnosticsParams p = client.diagnosticsFor(outside, d -> !d.getDiagnostics().isEmpty());
      assertNotNull(p.getDiagnostics().get(0).getCode());
    } finally {
      Files.deleteIfExists(outside);
    }
  }
}
