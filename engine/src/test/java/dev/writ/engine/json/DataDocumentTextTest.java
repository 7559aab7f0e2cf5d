package dev.writ.engine.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every reader's documents hold valid Unicode only: a lone surrogate, written as a JSON or YAML
 * escape, is refused in a value or a field name with the field and the line named; a file that is
 * not UTF-8 is refused rather than read with replacement characters.
 */
class DataDocumentTextTest {
  @TempDir
  Path dir;

  private static String refused(String name, String text, boolean yaml) {
    return assertThrows(DataException.class, () -> DataDocument.parse(name, text, yaml)).describe();
  }

  @Test
  void aLoneSurrogateInAYamlValueIsRefusedAtItsField() {
    String suite = """
        cases:
          - name: ok
            request:
              context: { note: "fine \\ud83d\\ude00" }
          - name: bad
            request:
              context: { note: "x\\ud800" }
        """;
    assertEquals("suite.yaml:7: cases[1].request.context.note: is not valid Unicode: it holds a lone surrogate"
        + " (\\ud800) at character 2; a character beyond U+FFFF is written as a pair of escapes, such as"
        + " \\ud83d\\ude00", refused("suite.yaml", suite, true));
  }

  @Test
  void aLoneSurrogateInAFieldNameIsRefusedAtItsObject() {
    assertEquals("s.yaml:2: context: the field name `no\\udc00te` is not valid Unicode: it holds a lone surrogate"
        + " (\\udc00) at character 3; a character beyond U+FFFF is written as a pair of escapes, such as"
        + " \\ud83d\\ude00", refused("s.yaml", "context:\n  \"no\\udc00te\": 1\n", true));
    assertTrue(refused("s.yaml", "\"\\ud800\": 1\n", true).startsWith("s.yaml:1: the field name `\\ud800` is not"
        + " valid Unicode"));
    // JSON's parser refuses these itself; the message is the same kind
    assertEquals("b.json:1: requests[0].context: a field name is not valid Unicode: it holds a lone surrogate;"
        + " a character beyond U+FFFF is written as a pair of escapes, such as \\ud83d\\ude00",
        refused("b.json", "{\"requests\":[{\"context\":{\"a\":1,\"\\ud800\":2}}]}", false));
    assertEquals("b.json:1: a field name is not valid Unicode: it holds a lone surrogate; a character beyond U+FFFF"
        + " is written as a pair of escapes, such as \\ud83d\\ude00", assertThrows(DataException.class,
            () -> DataDocument.parseStrictJson("b.json", "{\"\\udc00\":1}")).describe());
  }

  @Test
  void jsonValuesEverywhere() {
    assertTrue(refused("r", "[\"a\", [\"\\udfff\"]]", false).startsWith("r:1: [1][0]: is not valid Unicode"));
    assertTrue(refused("r", "\"\\ud800\"", false).startsWith("r:1: document: is not valid Unicode"));
    assertTrue(refused("r", "{\"a\":\"\\udc00\\ud800\"}", false).contains("(\\udc00) at character 1"),
        "a low surrogate before a high one is no pair");
  }

  @Test
  void pairsAndOtherTextAreKept() {
    DataDocument d = DataDocument.parse("ok", "{\"a\":\"\\ud83d\\ude00 \\uD834\\uDD1E ü €\", \"\\ud83d\\udd25\":1}",
        false);
    assertEquals("\uD83D\uDE00 \uD834\uDD1E ü €", d.root().path("a").asText());
    assertEquals(1, d.root().path("\uD83D\uDD25").asInt());
    assertEquals("\uD83D\uDE00", DataDocument.parse("ok", "a: \"\\U0001F600\"\n", true).root().path("a").asText());
  }

  @Test
  void filesMustBeUtf8() throws IOException {
    Path latin1 = dir.resolve("entities.yaml");
    Files.write(latin1, new byte[] {'a', ':', ' ', (byte) 0xE9, '\n'}); // é in ISO-8859-1
    assertEquals(latin1 + ": is not UTF-8 text; save it as UTF-8",
        assertThrows(DataException.class, () -> DataDocument.read(latin1)).describe());
    Path cesu = dir.resolve("suite.json");
    Files.write(cesu, new byte[] {'"', (byte) 0xED, (byte) 0xA0, (byte) 0x80, '"'}); // an encoded lone surrogate
    assertEquals(cesu + ": is not UTF-8 text; save it as UTF-8",
        assertThrows(DataException.class, () -> DataDocument.read(cesu)).describe());
    Path binary = dir.resolve("image.yaml");
    Files.write(binary, new byte[] {(byte) 0x89, 'P', 'N', 'G', 0, 0, (byte) 0xFF});
    assertEquals(binary + ": is a binary file, not YAML or JSON",
        assertThrows(DataException.class, () -> DataDocument.read(binary)).describe());
    Path good = dir.resolve("good.yaml");
    Files.writeString(good, "a: \"é \uD83D\uDE00\"\n");
    assertEquals("é \uD83D\uDE00", DataDocument.read(good).root().path("a").asText());
  }

  @Test
  void loneSurrogates() {
    assertEquals(-1, UnicodeText.loneSurrogate(""));
    assertEquals(-1, UnicodeText.loneSurrogate("a\uD83D\uDE00b"));
    assertEquals(0, UnicodeText.loneSurrogate("\uD800"));
    assertEquals(1, UnicodeText.loneSurrogate("a\uDC00"));
    assertEquals(2, UnicodeText.loneSurrogate("\uD83D\uDE00\uD83D"));
    assertEquals(0, UnicodeText.loneSurrogate("\uDE00\uD83D"));
    assertEquals("ab\\ud800\uD83D\uDE00", UnicodeText.printable("ab\uD800\uD83D\uDE00"));
    assertEquals("x".repeat(80) + "...", UnicodeText.printable("x".repeat(100)));
    assertEquals("x".repeat(80), UnicodeText.printable("x".repeat(80)));
  }
}
