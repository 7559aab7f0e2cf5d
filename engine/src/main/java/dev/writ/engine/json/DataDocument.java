package dev.writ.engine.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * A YAML or JSON document read into a tree, with the line of every value remembered, so that
 * a problem found later (a mistyped field, an unknown entity) can still be reported as
 * {@code file:line: field: problem}.
 */
public final class DataDocument {
  public static final ObjectMapper JSON = new ObjectMapper();
  public static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

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

  /** Reads a file; YAML unless the name ends in {@code .json} (JSON is valid YAML anyway). */
  public static DataDocument read(Path file) {
    String text;
    try {
      byte[] bytes = Files.readAllBytes(file);
      text = new String(bytes, StandardCharsets.UTF_8);
      if (text.indexOf('\0') >= 0) {
        throw new DataException(file.toString(), "is a binary file, not YAML or JSON");
      }
    } catch (IOException e) {
      throw new DataException(file.toString(), "cannot read: " + describe(e));
    }
    return parse(file.toString(), text, !file.getFileName().toString().endsWith(".json"));
  }

  public static DataDocument parse(String name, String text, boolean yaml) {
    ObjectMapper mapper = yaml ? YAML : JSON;
    JsonNode root;
    try {
      root = mapper.readTree(text);
    } catch (JsonProcessingException e) {
      JsonLocation loc = e.getLocation();
      String where = loc == null || loc.getLineNr() < 1 ? name : name + ":" + loc.getLineNr();
      throw new DataException(where, (yaml ? "malformed YAML: " : "malformed JSON: ") + firstLine(e.getOriginalMessage()));
    } catch (RuntimeException e) {
      throw new DataException(name, (yaml ? "malformed YAML: " : "malformed JSON: ") + firstLine(e.getMessage()));
    }
    if (root == null) {
      root = MissingNode.getInstance();
    }
    return new DataDocument(name, root, text, mapper.getFactory());
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

  public DataException error(String pointer, String message) {
    return new DataException(at(pointer), message);
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
