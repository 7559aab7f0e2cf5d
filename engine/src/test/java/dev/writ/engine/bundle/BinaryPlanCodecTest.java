package dev.writ.engine.bundle;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import dev.writ.engine.compile.PlanCompiler;
import dev.writ.engine.plan.PlanData;
import dev.writ.engine.plan.PlanExpr;
import dev.writ.engine.plan.PlanRule;
import dev.writ.language.vocab.Schema;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The binary plan of format version 3: exact round trips, a pinned encoding, strict reading. */
class BinaryPlanCodecTest {
  private static final PlanData PLAN = BundleRefusalTest.PLAN;
  private static final byte[] RAW = BinaryPlanCodec.raw(PLAN);

  static PlanData roundTrip(PlanData plan) {
    BinaryPlanCodec.Encoded e = BinaryPlanCodec.encode(plan);
    try {
      var digest = PlanCodec.sha256();
      PlanData back = BinaryPlanCodec.decodePlan(e.gzip(), 0, e.gzip().length, Long.MAX_VALUE, digest);
      assertArrayEquals(e.digest(), digest.digest(), "the reader digests what the writer digested");
      return back;
    } catch (IOException x) {
      throw new AssertionError(x);
    }
  }

  @Test
  void handWrittenPlanWithEveryFieldAndEveryNullRoundTrips() {
    PlanData plan = PlanCodecTest.everything();
    PlanData back = roundTrip(plan);
    assertEquals(plan, back);
    assertEquals(List.copyOf(plan.schema().entityTypes().get("Employee").attributes().keySet()),
        List.copyOf(back.schema().entityTypes().get("Employee").attributes().keySet()));
    assertArrayEquals(BinaryPlanCodec.raw(plan), BinaryPlanCodec.raw(back), "re-encoding gives the same bytes");
  }

  @Test
  void emptyPlanRoundTrips() {
    PlanData plan = new PlanData(Schema.EMPTY, List.of(), List.of());
    assertEquals(plan, roundTrip(plan));
  }

  /** Generated policies of every shape the generator makes round-trip to equal plan data. */
  @Test
  void generatedPlansRoundTripProperty() {
    qt().withExamples(40).forAll(longs().between(1, 1_000_000), integers().between(1, 60)).checkAssert((seed, n) -> {
      PlanData plan = PlanCompiler.lower(GeneratedPolicies.checkSources(GeneratedPolicies.files(seed, n))
          .bundle().orElseThrow());
      assertEquals(plan, roundTrip(plan), "seed " + seed + ", " + n + " rules");
    });
  }

  @Test
  void expressionsAsDeepAsAllowedRoundTripAndDeeperOnesAreRefused() {
    PlanData ok = withCondition(chain(PlanCodec.MAX_EXPR_DEPTH));
    assertEquals(ok, roundTrip(ok));
    BundleException e = assertThrows(BundleException.class,
        () -> BinaryPlanCodec.encode(withCondition(chain(PlanCodec.MAX_EXPR_DEPTH + 1))));
    assertTrue(e.getMessage().contains("nests deeper than"), e.getMessage());
    // A foreign writer that does not check: the reader refuses it without recursing.
    byte[] deep = minimalPlan(nodes(100_000, i -> i < 99_999 ? node(op(PlanExpr.Op.NOT), 0, 0, 1, 0)
        : node(op(PlanExpr.Op.BOOL), 0, 1, 0, 0)));
    malformed(deep, "at rules[0].conditions[0].expr, byte ", "nests deeper than 512 levels");
  }

  private static PlanExpr chain(int depth) {
    PlanExpr e = new PlanExpr(PlanExpr.Op.VAR, "context", 0, null, "x");
    for (int i = 1; i < depth; i++) {
      e = new PlanExpr(PlanExpr.Op.NOT, null, 0, List.of(e), "x");
    }
    return e;
  }

  private static PlanData withCondition(PlanExpr e) {
    PlanRule r = new PlanRule(0, "r", false, null, null, null, null,
        List.of(new PlanRule.Condition(false, e, "t", "x")), null, null, List.of(), null, List.of(), null, "x");
    return new PlanData(Schema.EMPTY, List.of(), List.of(r));
  }

  // A plan written byte by byte, following the grammar of docs/bundle-format.md.

  private static final byte[] EMPTY_SCHEMA = PlanCodec.json(Schema.EMPTY);

  private static int op(PlanExpr.Op op) {
    return op.ordinal();
  }

  private static byte[] varint(long v) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    while ((v & ~0x7fL) != 0) {
      out.write((int) ((v & 0x7f) | 0x80));
      v >>>= 7;
    }
    out.write((int) v);
    return out.toByteArray();
  }

  private static byte[] cat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }

  private static byte[] bytes(int... b) {
    byte[] out = new byte[b.length];
    for (int i = 0; i < b.length; i++) {
      out[i] = (byte) b[i];
    }
    return out;
  }

  /** op, str, num (zigzag), argument count, at: each a one-byte varint here. */
  private static byte[] node(int op, int str, int zigzagNum, int argc, int at) {
    return bytes(op, str, zigzagNum, argc, at);
  }

  private static byte[] nodes(int n, java.util.function.IntFunction<byte[]> node) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(varint(n));
    for (int i = 0; i < n; i++) {
      out.writeBytes(node.apply(i));
    }
    return out.toByteArray();
  }

  /** One string, {@code "x"}; the empty schema; no intents; one rule named {@code x} with one condition. */
  private static byte[] minimalPlan(byte[] expr) {
    return cat(bytes(1, 1, 'x'), varint(EMPTY_SCHEMA.length), EMPTY_SCHEMA, bytes(0),
        bytes(1, /* id */ 0, /* name */ 1, /* forbid */ 0, /* principal, actions, resource, intents: null */ 0, 0, 0, 0,
            /* conditions: one */ 2, /* unless */ 0),
        expr,
        bytes(/* text */ 1, /* at */ 1, /* ttl */ 0, /* standing */ 0, /* approvals: empty */ 1, /* delegation */ 0,
            /* obligations: empty */ 1, /* meta */ 0, /* at */ 1));
  }

  private static final byte[] TRUE = nodes(1, i -> node(op(PlanExpr.Op.BOOL), 0, 2, 0, 1));

  @Test
  void theGrammarIsTheDocumentedOne() throws IOException {
    PlanRule r = new PlanRule(0, "x", false, null, null, null, null,
        List.of(new PlanRule.Condition(false, new PlanExpr(PlanExpr.Op.BOOL, null, 1, List.of(), "x"), "x", "x")),
        null, null, List.of(), null, List.of(), null, "x");
    PlanData plan = new PlanData(Schema.EMPTY, List.of(), List.of(r));
    assertArrayEquals(minimalPlan(TRUE), BinaryPlanCodec.raw(plan));
    assertEquals(plan, BinaryPlanCodec.decode(minimalPlan(TRUE), minimalPlan(TRUE).length));
  }

  private static String malformed(byte[] raw, String... expected) {
    BinaryPlanCodec.Malformed e = assertThrows(BinaryPlanCodec.Malformed.class,
        () -> BinaryPlanCodec.decode(raw, raw.length));
    String m = e.getMessage();
    assertFalse(m.contains("\n"), m);
    for (String x : expected) {
      assertTrue(m.contains(x), () -> "expected `" + x + "` in: " + m);
    }
    return m;
  }

  @Test
  void malformedPlansNameWhereAndWhat() {
    malformed(minimalPlan(nodes(1, i -> node(99, 0, 0, 0, 1))),
        "at rules[0].conditions[0].expr, byte ", "unknown expression operator 99 at node 0");
    malformed(minimalPlan(nodes(1, i -> node(op(PlanExpr.Op.BOOL), 7, 0, 0, 1))),
        "at rules[0].conditions[0].expr", "string 7 out of range: the string table has 1");
    malformed(minimalPlan(nodes(2, i -> node(op(PlanExpr.Op.NOT), 0, 0, i == 0 ? 2 : 0, 1))),
        "expression node 0 has too few arguments");
    malformed(minimalPlan(nodes(2, i -> node(op(PlanExpr.Op.BOOL), 0, 0, 0, 1))), "do not form one tree");
    malformed(minimalPlan(varint(1_000_000_000)), "1000000000 expression nodes, more than the ");
    malformed(cat(minimalPlan(TRUE), bytes(0)), "at the top", "1 bytes after the end of the plan");
    byte[] ok = minimalPlan(TRUE);
    for (int cut = 0; cut < ok.length; cut++) {
      malformed(Arrays.copyOf(ok, cut), " of the plan: ");
    }
    malformed(cat(varint(Integer.MAX_VALUE)), "at strings, byte 5 of the plan: 2147483647 strings, more than");
    malformed(cat(bytes(1, 2, 0xc3, 0x28)), "at strings[0]", "a string that is not valid UTF-8");
    malformed(cat(bytes(0), varint(EMPTY_SCHEMA.length), EMPTY_SCHEMA, bytes(/* intents */ 0, /* rules */ 1,
        /* id */ 0, /* name */ 0, /* forbid */ 2), new byte[12]), "at rules[0], byte ", "a flag that is 2, not 0 or 1");
    malformed(cat(bytes(0, 4), "null".getBytes(StandardCharsets.UTF_8), bytes(0, 0)), "at schema", "no schema");
    malformed(cat(bytes(0, 2), "{}".getBytes(StandardCharsets.UTF_8), bytes(0, 0)), "at schema");
    malformed(bytes(0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f), "a number longer than 64 bits");
    // A selector `any` with a value: the record refuses it, and the message still says where.
    byte[] ok2 = minimalPlan(TRUE);
    int principal = 3 + varint(EMPTY_SCHEMA.length).length + EMPTY_SCHEMA.length + 1 + 1 + 3; // intents, rules, id, name, forbid
    assertEquals(0, ok2[principal]);
    byte[] anyWithValue = cat(Arrays.copyOf(ok2, principal), bytes(2, /* ANY */ 0, /* value */ 1, /* in */ 0, 0),
        Arrays.copyOfRange(ok2, principal + 1, ok2.length));
    malformed(anyWithValue, "at rules[0].principal[0]", "a selector has a value unless it is `any`");
  }

  /**
   * Damaged binary plans, decoded on their own (no digest in the way): decoding gives plan data or
   * a {@link BinaryPlanCodec.Malformed}, nothing else; undamaged bytes give the plan back.
   */
  @Test
  void damagedPlansAreRefusedCleanlyProperty() {
    qt().withExamples(4000).forAll(longs().all()).checkAssert(seed -> {
      Random r = new Random(seed);
      byte[] b = damage(r, RAW.clone());
      try {
        PlanData back = BinaryPlanCodec.decode(b, b.length);
        if (Arrays.equals(b, RAW)) {
          assertEquals(PLAN, back);
        }
      } catch (BinaryPlanCodec.Malformed e) {
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
        assertTrue(e.getMessage().startsWith("at "), e.getMessage());
      } catch (Throwable t) {
        fail("not a Malformed: " + t, t);
      }
    });
  }

  /**
   * The same through the reader, with a correct content digest and a manifest that matches the
   * damaged plan: the reader loads it or refuses it with a {@link BundleException}, never another
   * exception (the plan builder included).
   */
  @Test
  void damagedPlansInValidBundlesAreRefusedCleanlyProperty() {
    qt().withExamples(1500).forAll(longs().all()).checkAssert(seed -> {
      Random r = new Random(seed);
      byte[] raw = damage(r, RAW.clone());
      byte[] manifest = PlanCodec.json(BundleRefusalTest.manifestFor(BundleFormat.VERSION, PLAN, raw));
      byte[] bundle = BundleRefusalTest.assemble(BundleFormat.VERSION, 0, manifest, BundleRefusalTest.gzip(raw), 0,
          null);
      try {
        LoadedBundle b = BundleRefusalTest.OPEN.read(bundle, "fuzzed.wbundle");
        assertEquals(b.plan(), BinaryPlanCodec.decode(raw, raw.length));
      } catch (BundleException e) {
        assertTrue(e.getMessage().startsWith("`fuzzed.wbundle` ") && !e.getMessage().contains("\n"), e.getMessage());
      } catch (Throwable t) {
        fail("not a BundleException: " + t, t);
      }
    });
  }

  private static byte[] damage(Random r, byte[] b) {
    int changes = 1 + r.nextInt(4);
    for (int i = 0; i < changes && b.length > 0; i++) {
      int at = r.nextInt(b.length);
      switch (r.nextInt(5)) {
        case 0 -> b[at] = (byte) r.nextInt(256);
        case 1 -> b = Arrays.copyOf(b, at);
        case 2 -> {
          int n = Math.min(b.length - at, 1 + r.nextInt(16));
          byte[] c = new byte[b.length - n];
          System.arraycopy(b, 0, c, 0, at);
          System.arraycopy(b, at + n, c, at, b.length - at - n);
          b = c;
        }
        case 3 -> {
          byte[] ins = new byte[1 + r.nextInt(16)];
          r.nextBytes(ins);
          byte[] c = new byte[b.length + ins.length];
          System.arraycopy(b, 0, c, 0, at);
          System.arraycopy(ins, 0, c, at, ins.length);
          System.arraycopy(b, at, c, at + ins.length, b.length - at);
          b = c;
        }
        default -> b[at] ^= (byte) (1 << r.nextInt(8));
      }
    }
    return b;
  }

  /** A plan that compresses far better than gzip's trailer is believed: the buffer grows to it. */
  @Test
  void highlyCompressiblePlansGrowTheBufferAndRoundTrip() {
    PlanRule r = new PlanRule(0, "r", false, null, null, null, null,
        List.of(new PlanRule.Condition(false, PlanExpr.bool(true, "x"), "x".repeat(3_000_000), "x")), null, null,
        List.of(), null, List.of(), null, "x");
    PlanData plan = new PlanData(Schema.EMPTY, List.of(), List.of(r));
    assertTrue(BinaryPlanCodec.encode(plan).gzip().length * 64L < 3_000_000, "compresses more than 64 times");
    assertEquals(plan, roundTrip(plan));
  }

  @Test
  void plansTooLargeOnceInflatedStopAtTheLimit() {
    byte[] big = new byte[4 * 1024 * 1024];
    byte[] gz = BundleRefusalTest.gzip(big);
    assertThrows(PlanCodec.TooLarge.class,
        () -> BinaryPlanCodec.decodePlan(gz, 0, gz.length, 1024 * 1024, PlanCodec.sha256()));
  }

  /**
   * The binary plan of a small bundle, pinned. If this fails, the stored form of the plan changed
   * (a record component was added, renamed or reordered, an enum constant moved): bump
   * {@code BundleFormat.VERSION}, say so in docs/bundle-format.md, then update the expected hex.
   */
  @Test
  void binaryPlanIsPinned() throws IOException {
    Map<String, String> files = new LinkedHashMap<>();
    files.put("schema.policy", "human Employee { level: Int }\nresource Doc\naction \"read\" on Doc\n");
    files.put("rules.policy", "grant r { principal Employee action \"read\" resource Doc when principal.level > 2 ttl 1h }\n");
    PlanData plan = PlanCompiler.lower(GeneratedPolicies.checkSources(files).bundle().orElseThrow());
    String hex = HexFormat.of().formatHex(BinaryPlanCodec.raw(plan));
    String expected;
    try (InputStream in = BinaryPlanCodecTest.class.getResourceAsStream("pinned-plan-v3.hex")) {
      expected = new String(in.readAllBytes(), StandardCharsets.US_ASCII).replaceAll("\\s+", "");
    }
    assertEquals(expected, hex);
  }

  /** A bundle written by the release before version 3 (see v2-fixture/README.md) loads, signature and all. */
  @Test
  void versionTwoBundlesOfThePreviousReleaseStillLoad() throws IOException {
    byte[] v2;
    try (InputStream in = BinaryPlanCodecTest.class.getResourceAsStream("v2-fixture/ci-project-v2.wbundle")) {
      v2 = in.readAllBytes();
    }
    assertEquals(BundleFormat.JSON_PLAN_VERSION, BundleFormat.u16(v2, BundleFormat.VERSION_AT));
    var trust = BundleKeys.publicKey(readResource("openssl-ed25519.pub.pem"), "openssl-ed25519.pub.pem");
    LoadedBundle b = new BundleReader(Optional.of(trust)).read(v2, "ci-project-v2.wbundle");
    assertTrue(b.verified());
    assertEquals(2, b.manifest().format());
    assertEquals(List.of("acme.prod.incident_read", "acme.prod.agents_never_write_prod"), b.manifest().rules());
    Map<String, String> files = new TreeMap<>();
    for (String f : List.of("intents.policy", "prod.policy", "schema.policy")) {
      files.put("policy/" + f, new String(readResource("v2-fixture/policy/" + f), StandardCharsets.UTF_8));
    }
    // Today's lowering gives the plan the previous release stored; if lowering ever changes on
    // purpose, this comparison goes, the load above stays.
    assertEquals(PlanCompiler.lower(GeneratedPolicies.checkSources(files).bundle().orElseThrow()), b.plan());
    // Rewritten by this writer, it is a version 3 bundle of the same plan.
    byte[] v3 = new BundleWriter("1.0.0", Optional.empty()).write(b.plan(), new TreeMap<>(b.manifest().sources()));
    assertEquals(BundleFormat.VERSION, BundleFormat.u16(v3, BundleFormat.VERSION_AT));
    LoadedBundle again = BundleRefusalTest.OPEN.read(v3, "v3");
    assertEquals(b.plan(), again.plan());
    assertEquals(b.manifest().schemaDigest(), again.manifest().schemaDigest());
  }

  private static byte[] readResource(String name) throws IOException {
    try (InputStream in = BinaryPlanCodecTest.class.getResourceAsStream(name)) {
      return in.readAllBytes();
    }
  }
}
