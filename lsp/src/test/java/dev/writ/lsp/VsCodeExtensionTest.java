package dev.writ.lsp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.writ.language.parse.antlr.WritLexer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The VS Code extension in {@code editors/vscode} (not built here: it has no build step) agrees
 * with the language: its TextMate grammar highlights exactly the lexer's keywords, and its
 * manifest points at the files that exist and starts {@code writ lsp}.
 */
class VsCodeExtensionTest {
  static final Path EXTENSION = Path.of("..", "editors", "vscode");

  static JsonObject json(Path p) throws Exception {
    return JsonParser.parseString(Files.readString(p)).getAsJsonObject();
  }

  /** Every word the lexer reads as a keyword (its literal tokens that are words). */
  static SortedSet<String> lexerKeywords() {
    SortedSet<String> out = new TreeSet<>();
    for (int t = 1; t <= WritLexer.VOCABULARY.getMaxTokenType(); t++) {
      String literal = WritLexer.VOCABULARY.getLiteralName(t);
      if (literal != null && literal.matches("'[A-Za-z]+'")) {
        out.add(literal.substring(1, literal.length() - 1));
      }
    }
    return out;
  }

  @Test
  void theGrammarHighlightsExactlyTheLexersKeywords() throws Exception {
    JsonObject grammar = json(EXTENSION.resolve("syntaxes/writ.tmLanguage.json"));
    assertEquals("source.writ", grammar.get("scopeName").getAsString());
    SortedSet<String> highlighted = new TreeSet<>();
    Pattern alternation = Pattern.compile("\\\\b\\(\\?:([A-Za-z|]+)\\)\\\\b");
    for (Map.Entry<String, JsonElement> e : grammar.getAsJsonObject("repository").entrySet()) {
      for (JsonElement p : e.getValue().getAsJsonObject().getAsJsonArray("patterns")) {
        JsonObject pattern = p.getAsJsonObject();
        if (pattern.has("match") && pattern.has("name")) {
          Matcher m = alternation.matcher(pattern.get("match").getAsString());
          while (m.find()) {
            highlighted.addAll(java.util.List.of(m.group(1).split("\\|")));
          }
        }
      }
    }
    SortedSet<String> keywords = lexerKeywords();
    assertTrue(keywords.size() > 40, keywords.toString());
    SortedSet<String> missing = new TreeSet<>(keywords);
    missing.removeAll(highlighted);
    SortedSet<String> extra = new TreeSet<>(highlighted);
    extra.removeAll(keywords);
    assertTrue(missing.isEmpty(), "keywords the grammar does not highlight: " + missing);
    assertTrue(extra.isEmpty(), "words the grammar highlights that the lexer does not know: " + extra);
  }

  @Test
  void theManifestContributesTheLanguageGrammarAndSettingAndTheClientStartsWritLsp() throws Exception {
    JsonObject manifest = json(EXTENSION.resolve("package.json"));
    JsonObject contributes = manifest.getAsJsonObject("contributes");
    JsonObject language = contributes.getAsJsonArray("languages").get(0).getAsJsonObject();
    assertEquals("writ-policy", language.get("id").getAsString());
    assertEquals(".policy", language.getAsJsonArray("extensions").get(0).getAsString());
    assertTrue(Files.isRegularFile(EXTENSION.resolve(language.get("configuration").getAsString())));
    json(EXTENSION.resolve(language.get("configuration").getAsString())); // valid JSON
    JsonObject grammar = contributes.getAsJsonArray("grammars").get(0).getAsJsonObject();
    assertEquals("writ-policy", grammar.get("language").getAsString());
    assertTrue(Files.isRegularFile(EXTENSION.resolve(grammar.get("path").getAsString())));
    assertEquals("writ", contributes.getAsJsonObject("configuration").getAsJsonObject("properties")
        .getAsJsonObject("writ.path").get("default").getAsString());
    String client = Files.readString(EXTENSION.resolve(manifest.get("main").getAsString()));
    assertTrue(client.contains("args: ['lsp']"), client);
    assertTrue(client.contains("language: 'writ-policy'"), client);
    assertTrue(manifest.getAsJsonObject("dependencies").has("vscode-languageclient"));
  }

  @Test
  void theLanguageConfigurationKnowsTheCommentsOfTheLexer() throws Exception {
    JsonObject config = json(EXTENSION.resolve("language-configuration.json"));
    assertEquals("//", config.getAsJsonObject("comments").get("lineComment").getAsString());
    assertEquals("/*", config.getAsJsonObject("comments").getAsJsonArray("blockComment").get(0).getAsString());
  }
}
