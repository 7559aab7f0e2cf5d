package dev.writ.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.writ.engine.batch.RequestBatch;
import dev.writ.engine.decision.Decision;
import dev.writ.engine.entity.EntityDataException;
import dev.writ.engine.entity.EntityReader;
import dev.writ.engine.entity.EntityStore;
import dev.writ.engine.eval.Authorizer;
import dev.writ.engine.eval.BadRequestException;
import dev.writ.engine.eval.DecideOptions;
import dev.writ.engine.eval.EvaluationPlan;
import dev.writ.engine.json.DataDocument;
import dev.writ.engine.json.DataException;
import dev.writ.engine.json.DataNode;
import dev.writ.engine.json.DecisionJson;
import dev.writ.engine.request.AccessRequest;
import dev.writ.engine.request.RequestReader;
import dev.writ.engine.request.StreamingRequestReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link RequestBatch} (one parser over the whole input, lines found in the bytes) writes, for
 * any input, byte for byte what the previous batch loop wrote (the input decoded to a string,
 * split with {@code \R}, each line read on its own): same decisions, same error lines with the
 * same line numbers, same verdict. The inputs mix ordinary requests with every kind of odd line
 * (objects across lines, content after the object, blank lines, every line break, control
 * characters, U+2028 inside a string, invalid UTF-8, a byte order mark) and uids that reach the
 * output with every kind of escape. The batch takes known uids from the store and writes decisions
 * from pre-written fragments; the oracle parses every uid and writes through Jackson's generator.
 */
class RequestBatchProperties {
  @TempDir
  static Path dir;

  private static RequestReader reader;
  private static Function<AccessRequest, Decision> decide;
  private static EntityStore store;

  @BeforeAll
  static void plan() throws IOException {
    Path policies = Files.createDirectories(dir.resolve("policies"));
    try (InputStream in = RequestBatchProperties.class.getResourceAsStream("/prod.policy")) {
      Files.write(policies.resolve("prod.policy"), in.readAllBytes());
    }
    Path entities = dir.resolve("entities.yaml");
    Files.writeString(entities, """
        - { uid: Employee::alice, attrs: { department: sre, mfa_enrolled: true }, parents: [Team::sre] }
        - { uid: Employee::carol, parents: [Team::db-owners] }
        - { uid: Database::orders, attrs: { env: prod, classification: restricted, tags: [] } }
        """);
    EvaluationPlan plan = Policies.compile(policies, new PrintWriter(new StringWriter()));
    store = new EntityReader(plan.schema()).readFiles(List.of(entities));
    Authorizer authorizer = new Authorizer(plan);
    DecideOptions options = DecideOptions.at(Instant.parse("2026-06-15T10:00:00Z")).explaining();
    reader = new RequestReader(plan.schema());
    decide = r -> authorizer.decide(r, store, options);
  }

  private static final String ALICE = "{\"principal\":\"Employee::alice\",\"actions\":[\"db:select\"],"
      + "\"resource\":\"Database::orders\"";

  /** Pieces of input: whole lines, halves of objects, breaks, odd bytes. */
  private static final List<String> PIECES = List.of(
      ALICE + "}",
      ALICE + ",\"intent\":{\"name\":\"investigate_incident\",\"ticket\":\"INC-4711\"},"
          + "\"approvals\":[{\"by\":\"Employee::carol\"}],\"context\":{\"mfa\":true},\"time\":\"2026-06-15T10:00:00Z\"}",
      "{\"principal\":\"Employee::carol\",\"actions\":\"db:select\",\"resource\":\"Database::orders\",\"delegation\":[]}",
      "  \t" + ALICE + ",\"duration\":\"30m\"}  \t",
      ALICE + ",\"time\":null}",
      ALICE + ",\"actions\":[\"db:update\"]}",
      "{\"principal\":\"Employee::dan\",\"actions\":[\"db:select\"],\"resource\":\"Database::orders\","
          + "\"entities\":[{\"uid\":\"Employee::dan\",\"parents\":[\"Team::sre\"]}]}",
      "{\"principal\":\"Employee::bob\",\"actions\":[\"db:select\"],\"resource\":\"Database::orders\"}",
      ALICE + ",\"duration\":\"90\"}",
      ALICE + ",\"context\":{\"note\":\"a\u2028b\"}}",
      ALICE + ",\"context\":{\"note\":\"caf\u00e9 \\\"q\\\"\"}}",
      // Uids that reach the output (reasons, explanations, errors) with every kind of escape:
      "{\"principal\":\"Employee::alice\",\"actions\":[\"db:select\"],\"resource\":\"Database::\\\"x\\\\ty\\\"\"}",
      "{\"principal\":\"Employee::alice\",\"actions\":[\"db:select\"],\"resource\":\"Database::a\\u0001\\n\\t\\u001f\u00e9\"}",
      "{\"principal\":\"Employee::alice\",\"actions\":[\"db:select\"],\"resource\":\"Database::\\ud800\"}",
      "{\"principal\":\"Employee::alice\",\"actions\":[\"db:s\\\"el\\\\ect\\u2028\"],\"resource\":\"Database::orders\"}",
      "{\"principal\":\"Employee::carol\",\"actions\":[\"db:select\",\"db:update\"],\"resource\":\"Database::ord\\u0065rs\","
          + "\"delegation\":[\"Employee::alice\"]}",
      "{\"principal\":\"Employee::\\u0061lice\",\"actions\":[\"db:select\"],\"resource\":\"Database::orders\","
          + "\"context\":{\"n\":-3,\"l\":[1,\"a\",null,{\"entity\":\"Team::sre\"}],\"r\":{\"x\":false}}}",
      ALICE + "} x",
      ALICE + "}{}",
      ALICE + ",",
      "\"actions\":[\"db:select\"]}",
      "}",
      "{",
      "[1]",
      "this is not json",
      "",
      "   ",
      "\u0001",
      "\u0000{}",
      "\ufeff" + ALICE + "}",
      "\n", "\n", "\n", "\r\n", "\r", "\u000b", "\u000c", "\u0085", "\u2028", "\u2029");

  @Test
  void theBatchWritesWhatTheLineByLineLoopWrote() {
    qt().withExamples(400)
        .forAll(lists().of(integers().between(0, PIECES.size() + 2)).ofSizeBetween(0, 14))
        .checkAssert(picks -> {
          ByteArrayOutputStream bytes = new ByteArrayOutputStream();
          for (int pick : picks) {
            if (pick == PIECES.size()) {
              bytes.write(0xE2); // a truncated three-byte sequence
            } else if (pick == PIECES.size() + 1) {
              bytes.write(0xC2); // a lead byte without its continuation
            } else if (pick == PIECES.size() + 2) {
              bytes.write(0x85); // a stray continuation byte
            } else {
              bytes.writeBytes(PIECES.get(pick).getBytes(StandardCharsets.UTF_8));
            }
          }
          byte[] input = bytes.toByteArray();
          assertEquals(reference(input), batch(input), () -> "input: " + new String(input, StandardCharsets.UTF_8));
        });
  }

  @Test
  void ordinaryLinesAndTheirErrorsKeepTheirNumbers() {
    String input = ALICE + "}\n\nthis is not json\r\n" + ALICE + ",\"duration\":\"90\"}\n" + ALICE + "}\n";
    String out = batch(input.getBytes(StandardCharsets.UTF_8));
    String[] lines = out.split(System.lineSeparator(), -1);
    assertEquals(6, lines.length, out);
    assertTrue(lines[0].startsWith("{\"decision\":"), lines[0]);
    assertTrue(lines[1].contains("empty line; expected a request") && lines[1].endsWith("\"line\":2}"), lines[1]);
    assertTrue(lines[2].endsWith("\"line\":3}"), lines[2]);
    assertTrue(lines[3].startsWith("{\"error\":\"duration:") && lines[3].endsWith("\"line\":4}"), lines[3]);
    assertEquals(lines[0], lines[4]);
    assertTrue(out.endsWith("false"), "some lines were invalid");
  }

  /** The batch's output followed by its verdict. */
  private static String batch(byte[] input) {
    StringWriter out = new StringWriter();
    try {
      boolean valid = new RequestBatch(reader, store, decide).run("in.jsonl", input, out);
      return out + String.valueOf(valid);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The batch loop as it was before {@link RequestBatch}: the oracle. */
  private static String reference(byte[] input) {
    String text = new String(input, StandardCharsets.UTF_8);
    String name = "in.jsonl";
    StringWriter out = new StringWriter();
    boolean failed = false;
    StreamingRequestReader fast = new StreamingRequestReader();
    String[] lines = text.split("\\R", -1);
    int count = text.endsWith("\n") ? lines.length - 1 : lines.length;
    try (JsonGenerator g = DataDocument.JSON.getFactory().createGenerator(out)) {
      g.setRootValueSeparator(null);
      g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
      for (int i = 0; i < count; i++) {
        int number = i + 1;
        try {
          AccessRequest request = fast.tryRead(lines[i]);
          if (request == null) {
            DataNode node = DataNode.root(DataDocument.parse(name + ":" + number, lines[i], false));
            if (node.isMissing()) {
              throw new DataException(name + ":" + number, "empty line; expected a request");
            }
            request = reader.request(node);
          }
          DecisionJson.write(decide.apply(request), g);
        } catch (DataException | BadRequestException | EntityDataException e) {
          failed = true;
          g.writeStartObject();
          g.writeStringField("error", e.getMessage());
          g.writeNumberField("line", number);
          g.writeEndObject();
        }
        g.writeRaw(System.lineSeparator());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out + String.valueOf(!failed);
  }
}
