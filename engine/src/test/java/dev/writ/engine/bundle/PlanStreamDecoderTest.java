package dev.writ.engine.bundle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.writ.engine.compile.PlanCompiler;
import dev.writ.engine.plan.PlanData;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

/**
 * The streaming plan decoder against Jackson's data binding, the decoder it replaced: equal
 * records for every plan, and for a malformed plan the same refusal (or, where data binding
 * accepts an odd form, the same records).
 */
class PlanStreamDecoderTest {

  /** The streaming decoder alone, without the fallback: a plan it gives way on fails the test. */
  private static PlanData streamed(byte[] json) throws IOException {
    try (JsonParser p = PlanCodec.MAPPER.getFactory().createParser(json)) {
      PlanData plan = PlanStreamDecoder.read(p);
      assertEquals(null, p.nextToken(), "the decoder stops at the end of the plan");
      return plan;
    }
  }

  private static PlanData bound(byte[] gzip) throws IOException {
    return PlanCodec.decodePlanByBinding(gzip, 0, gzip.length, Long.MAX_VALUE, PlanCodec.sha256());
  }

  private static byte[] gzip(byte[] json) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream g = new GZIPOutputStream(out)) {
      g.write(json);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  private static void sameAsBinding(PlanData plan) throws IOException {
    PlanCodec.Encoded e = PlanCodec.encodePlan(plan);
    byte[] json = PlanCodec.json(plan);
    PlanData byBinding = bound(e.gzip());
    assertEquals(byBinding, streamed(json));
    var digest = PlanCodec.sha256();
    assertEquals(byBinding, PlanCodec.decodePlan(e.gzip(), 0, e.gzip().length, Long.MAX_VALUE, digest));
    assertEquals(HexFormat.of().formatHex(e.jsonDigest()), HexFormat.of().formatHex(digest.digest()),
        "the digest covers the plan JSON once");
  }

  @Test
  void everyFieldAndEveryNullDecodesAsByBinding() throws IOException {
    sameAsBinding(PlanCodecTest.everything());
  }

  @Test
  void generatedPlansDecodeAsByBinding() throws IOException {
    for (long seed = 1; seed <= 20; seed++) {
      sameAsBinding(PlanCompiler.lower(GeneratedPolicies.checkSources(GeneratedPolicies.files(seed, 80))
          .bundle().orElseThrow()));
    }
  }

  /**
   * The bundles kept in the repository (raw results of an earlier round) were written before the
   * schema gained a field: both decoders must refuse them alike, naming the missing field.
   */
  @Test
  void theRepositorysBundlesGetTheSameOutcomeAsByBinding() throws IOException {
    Path results = Path.of("..", "docs", "performance-results");
    List<Path> bundles;
    try (var walk = Files.walk(results)) {
      bundles = walk.filter(p -> p.toString().endsWith(".wbundle")).sorted().toList();
    }
    assertTrue(!bundles.isEmpty(), "no bundle under " + results.toAbsolutePath());
    for (Path b : bundles) {
      byte[] bytes = Files.readAllBytes(b);
      int planAt = (int) (BundleFormat.HEADER_LEN + BundleFormat.u32(bytes, BundleFormat.MANIFEST_LEN_AT));
      int planLen = (int) BundleFormat.u32(bytes, BundleFormat.PLAN_LEN_AT);
      byte[] plan = java.util.Arrays.copyOfRange(bytes, planAt, planAt + planLen);
      String byBinding = outcome(plan, false);
      assertEquals(byBinding, outcome(plan, true), b.toString());
      assertTrue(byBinding.contains("'fields'"), byBinding);
    }
  }

  /** What {@link BundleReader} makes of a plan section: the records, or the refusal's message. */
  private static String outcome(byte[] gzip, boolean streaming) {
    try {
      PlanData plan = streaming
          ? PlanCodec.decodePlan(gzip, 0, gzip.length, Long.MAX_VALUE, PlanCodec.sha256())
          : bound(gzip);
      return "plan " + plan;
    } catch (IOException | RuntimeException e) {
      BundleException b = BundleException.of("x.wbundle", "has a malformed plan: " + e.getClass().getName() + ": "
          + e.getMessage());
      return b.getMessage();
    }
  }

  private static final List<JsonNode> ODD_VALUES = List.of(JsonNodeFactory.instance.nullNode(),
      JsonNodeFactory.instance.booleanNode(true), JsonNodeFactory.instance.numberNode(1),
      JsonNodeFactory.instance.numberNode(-1L << 40), JsonNodeFactory.instance.numberNode(1.5),
      JsonNodeFactory.instance.textNode("x"), JsonNodeFactory.instance.textNode("ANY"),
      JsonNodeFactory.instance.textNode("12"), JsonNodeFactory.instance.arrayNode(),
      JsonNodeFactory.instance.objectNode(),
      JsonNodeFactory.instance.numberNode(new java.math.BigInteger("123456789012345678901234567890")));

  /** Every object in the tree, with the path of fields that leads to it. */
  private static void objects(JsonNode n, List<ObjectNode> out) {
    if (n instanceof ObjectNode o) {
      out.add(o);
    }
    for (JsonNode c : n) {
      objects(c, out);
    }
  }

  private static byte[] mutate(JsonNode plan, long seed) {
    Random r = new Random(seed);
    JsonNode tree = plan.deepCopy();
    List<ObjectNode> objects = new ArrayList<>();
    // Mostly inside the rules, where the streaming decoder reads by hand.
    objects(r.nextInt(4) == 0 ? tree : tree.get("rules"), objects);
    ObjectNode o = objects.get(r.nextInt(objects.size()));
    List<String> names = new ArrayList<>();
    for (Iterator<String> it = o.fieldNames(); it.hasNext(); ) {
      names.add(it.next());
    }
    if (names.isEmpty()) {
      o.put("extra", 1);
    } else {
      String f = names.get(r.nextInt(names.size()));
      switch (r.nextInt(6)) {
        case 0 -> o.remove(f);
        case 1 -> o.set(f + "x", o.remove(f));
        case 2 -> o.put("extra", 1);
        case 3 -> {
          JsonNode v = o.get(f);
          if (v instanceof ArrayNode a && !a.isEmpty()) {
            a.set(r.nextInt(a.size()), ODD_VALUES.get(r.nextInt(ODD_VALUES.size())));
          } else {
            o.set(f, ODD_VALUES.get(r.nextInt(ODD_VALUES.size())));
          }
        }
        default -> o.set(f, ODD_VALUES.get(r.nextInt(ODD_VALUES.size())));
      }
    }
    String text = tree.toString();
    if (r.nextInt(8) == 0) {
      // A field given twice, which a tree cannot hold.
      text = text.replaceFirst("\\{\"id\":", "{\"id\":" + r.nextInt(3) + ",\"id\":");
    }
    return text.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void malformedPlansGetTheRefusalOrTheRecordsOfDataBinding() throws IOException {
    JsonNode everything = PlanCodec.MAPPER.readTree(PlanCodec.json(PlanCodecTest.everything()));
    JsonNode generated = PlanCodec.MAPPER.readTree(PlanCodec.json(PlanCompiler.lower(
        GeneratedPolicies.checkSources(GeneratedPolicies.files(7, 12)).bundle().orElseThrow())));
    qt().withExamples(1500).forAll(integers().between(0, 1), longs().all()).checkAssert((which, seed) -> {
      byte[] gz = gzip(mutate(which == 0 ? everything : generated, seed));
      assertEquals(outcome(gz, false), outcome(gz, true));
    });
  }

  @Test
  void aFieldGivenTwiceOrMissingIsRefusedNamingIt() throws IOException {
    String json = new String(PlanCodec.json(PlanCodecTest.everything()), StandardCharsets.UTF_8);
    byte[] missing = gzip(json.replaceFirst("\"forbid\":(true|false),", "").getBytes(StandardCharsets.UTF_8));
    String refusal = outcome(missing, true);
    assertTrue(refusal.contains("forbid"), refusal);
    assertEquals(outcome(missing, false), refusal);
    byte[] unknown = gzip(json.replaceFirst("\"standing\":", "\"standin\":").getBytes(StandardCharsets.UTF_8));
    assertTrue(outcome(unknown, true).contains("standin"), outcome(unknown, true));
    assertEquals(outcome(unknown, false), outcome(unknown, true));
    for (Map.Entry<String, String> e : Map.of("\"id\":", "\"id\":1,\"id\":", "\"target\":", "\"target\":1,\"target\":")
        .entrySet()) {
      byte[] twice = gzip(json.replaceFirst(e.getKey(), e.getValue()).getBytes(StandardCharsets.UTF_8));
      assertEquals(outcome(twice, false), outcome(twice, true));
    }
  }
}
