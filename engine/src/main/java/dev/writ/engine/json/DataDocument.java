package dev.writ.engine.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;

/**
 * A YAML or JSON document read into a tree, with the line of every value remembered, so that
 * a problem found later (a mistyped field, an unknown entity) can still be reported as
 * {@code file:line: field: problem}.
 *
 * <p>Every string of a document, field names included, is valid Unicode: one holding a lone
 * surrogate (a JSON or YAML escape of U+D800 to U+DFFF that is not half of a pair) is
 * refused here, for every reader (request bodies, fixture suites, entity files, {@code writ eval}),
 * since it cannot be written as UTF-8 and would change when stored and read back.
 */
public final class DataDocument {
  public static final ObjectMapper JSON = new ObjectMapper();
  public static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  /** JSON as the service takes it: no content after the value, no key given twice in one object. */
  private static final ObjectReader STRICT_JSON = JSON.reader()
      .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .with(StreamReadFeature.STRICT_DUPLICATE_DETECTION);

  private final String name;
  private final JsonNode root;
  private final String text;
  private final JsonFactory factory;
  private volatile Map<String, Integer> lines; // built on the first error: the common path never needs it

  private DataDocument(String name, JsonNode root, String text, JsonFactory factory) {
    this.name = name;
    this.root = root;
    this.text = text;
    this.factory = factory;
  }

  public String name() {
    return name;
  }

  public JsonNode root() {
    return root;
  }

  /** Reads a file, which must be UTF-8 text; YAML unless the name ends in {@code .json} (JSON is valid YAML anyway). */
  public static DataDocument read(Path file) {
    String text;
    try {
      byte[] bytes = Files.readAllBytes(file);
      for (byte b : bytes) {
        if (b == 0) {
          throw new DataException(file.toString(), "is a binary file, not YAML or JSON");
        }
      }
      text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
    } catch (CharacterCodingException e) {
      throw new DataException(file.toString(), "is not UTF-8 text; save it as UTF-8");
    } catch (IOException e) {
      throw new DataException(file.toString(), "cannot read: " + describe(e));
    }
    return parse(file.toString(), text, !file.getFileName().toString().endsWith(".json"));
  }

  public static DataDocument parse(String name, String text, boolean yaml) {
    ObjectMapper mapper = yaml ? YAML : JSON;
    return parse(name, text, mapper.reader(), mapper.getFactory(), yaml ? "YAML" : "JSON");
  }

  /**
   * Parses JSON strictly, as the service reads request bodies: content after the value and a key
   * given twice in one object are malformed JSON too.
   */
  public static DataDocument parseStrictJson(String name, String text) {
    return parse(name, text, STRICT_JSON, JSON.getFactory(), "JSON");
  }

  private static DataDocument parse(String name, String text, ObjectReader reader, JsonFactory factory, String format) {
    JsonNode root;
    try {
      root = reader.readTree(text);
    } catch (JsonProcessingException e) {
      JsonLocation loc = e.getLocation();
      String where = loc == null || loc.getLineNr() < 1 ? name : name + ":" + loc.getLineNr();
      String m = e.getOriginalMessage();
      if (m != null && m.contains("surrogate") && m.contains("field name")
          && e.getProcessor() instanceof JsonParser p) {
        // Jackson refuses a lone surrogate in a JSON field name itself: say so as for any other string.
        JsonStreamContext object = p.getParsingContext().getParent();
        String path = object == null ? "" : fieldPath(object.pathAsPointer().toString());
        throw new DataException(where, path, (path.isEmpty() ? "" : path + ": ") + "a field name is "
            + UnicodeText.NOT_VALID + ": it holds a lone surrogate; " + UnicodeText.HINT);
      }
      throw new DataException(where, "malformed " + format + ": " + firstLine(m));
    } catch (RuntimeException e) {
      throw new DataException(name, "malformed " + format + ": " + firstLine(e.getMessage()));
    }
    if (root == null) {
      root = MissingNode.getInstance();
    }
    DataDocument doc = new DataDocument(name, root, text, factory);
    doc.requireValidText();
    return doc;
  }

  /**
   * Refuses a string or field name that is not valid Unicode, naming its field. Walks the tree
   * without recursion: a YAML document may nest deeper than the stack allows.
   */
  private void requireValidText() {
    Deque<Map.Entry<String, JsonNode>> todo = new ArrayDeque<>();
    todo.push(Map.entry("", root));
    while (!todo.isEmpty()) {
      Map.Entry<String, JsonNode> next = todo.pop();
      String pointer = next.getKey();
      JsonNode node = next.getValue();
      if (node.isObject()) {
        for (Map.Entry<String, JsonNode> f : node.properties()) {
          int bad = UnicodeText.loneSurrogate(f.getKey());
          if (bad >= 0) {
            String path = fieldPath(pointer);
            throw error(pointer, (path.isEmpty() ? "" : path + ": ") + "the field name `"
                + UnicodeText.printable(f.getKey()) + "` is " + UnicodeText.problem(f.getKey(), bad));
          }
          visit(todo, pointer + "/" + DataNode.escape(f.getKey()), f.getValue());
        }
      } else if (node.isArray()) {
        for (int i = 0; i < node.size(); i++) {
          visit(todo, pointer + "/" + i, node.get(i));
        }
      } else {
        visit(todo, pointer, node);
      }
    }
  }

  private void visit(Deque<Map.Entry<String, JsonNode>> todo, String pointer, JsonNode value) {
    if (value.isContainerNode()) {
      todo.push(Map.entry(pointer, value));
    } else if (value.isTextual()) {
      int bad = UnicodeText.loneSurrogate(value.textValue());
      if (bad >= 0) {
        String path = fieldPath(pointer);
        throw error(pointer, (path.isEmpty() ? "document" : path) + ": is " + UnicodeText.problem(value.textValue(), bad));
      }
    }
  }

  /** Line of each value, keyed by JSON pointer ({@code /cases/0/request}). */
  private static Map<String, Integer> lineTable(JsonFactory factory, String text) {
    Map<String, Integer> lines = new HashMap<>();
    try (JsonParser p = factory.createParser(text)) {
      JsonToken t;
      while ((t = p.nextToken()) != null) {
        if (t == JsonToken.FIELD_NAME || t == JsonToken.END_OBJECT || t == JsonToken.END_ARRAY) {
          continue;
        }
        String pointer = p.getParsingContext().pathAsPointer().toString();
        if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) {
          pointer = p.getParsingContext().getParent() == null ? "" : p.getParsingContext().getParent()
              .pathAsPointer().toString();
        }
        lines.putIfAbsent(pointer, p.currentTokenLocation().getLineNr());
      }
    } catch (IOException | RuntimeException e) {
      // The tree was read already; a missing line only makes messages less precise.
    }
    return lines;
  }

  /**
   * {@code file:line} of the value at a JSON pointer, or of its nearest ancestor that has one.
   */
  public String at(String pointer) {
    Map<String, Integer> lines = this.lines;
    if (lines == null) {
      lines = lineTable(factory, text);
      this.lines = lines;
    }
    String p = pointer;
    while (true) {
      Integer line = lines.get(p);
      if (line != null && line > 0) {
        return name + ":" + line;
      }
      if (p.isEmpty()) {
        return name;
      }
      int slash = p.lastIndexOf('/');
      p = slash <= 0 ? "" : p.substring(0, slash);
    }
  }

  /** A problem with the value at {@code pointer}, which is the field it is about. */
  public DataException error(String pointer, String message) {
    return new DataException(at(pointer), fieldPath(pointer), message);
  }

  /** A problem at {@code pointer} about {@code field} (a missing field is about the field, found at its parent). */
  public DataException error(String pointer, String field, String message) {
    return new DataException(at(pointer), field, message);
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "unreadable";
    }
    String line = s.strip().split("\\R", 2)[0];
    return line.length() > 200 ? line.substring(0, 200) + "..." : line;
  }

  private static String describe(IOException e) {
    if (e instanceof java.nio.file.NoSuchFileException) {
      return "no such file";
    }
    if (e instanceof java.nio.file.AccessDeniedException) {
      return "permission denied";
    }
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }

  /** A JSON pointer's field path in the user's notation: {@code /cases/0/request} to {@code cases[0].request}. */
  public static String fieldPath(String pointer) {
    StringBuilder out = new StringBuilder();
    for (String part : pointer.split("/")) {
      if (part.isEmpty()) {
        continue;
      }
      String unescaped = part.replace("~1", "/").replace("~0", "~");
      if (unescaped.chars().allMatch(Character::isDigit)) {
        out.append('[').append(unescaped).append(']');
      } else {
        if (out.length() > 0) {
          out.append('.');
        }
        out.append(unescaped);
      }
    }
    return out.toString();
  }
}
