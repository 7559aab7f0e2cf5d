package dev.writ.engine.bundle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.writ.engine.compile.PlanCompiler;
import dev.writ.engine.plan.PlanData;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PublicKey;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every way a bundle is refused, each with a one-line message that names the file. */
class BundleRefusalTest {
  static final String NAME = "policies.wbundle";
  static final KeyPair KEYS = BundleKeys.generate();
  static final KeyPair OTHER_KEYS = BundleKeys.generate();
  static final PlanData PLAN = PlanCompiler.lower(GeneratedPolicies.checkSources(GeneratedPolicies.files(11, 25))
      .bundle().orElseThrow());
  static final byte[] UNSIGNED = write(Optional.empty());
  static final byte[] SIGNED = write(Optional.of(KEYS));

  static final BundleReader OPEN = new BundleReader(Optional.empty());
  static final BundleReader TRUSTING = new BundleReader(Optional.of(KEYS.getPublic()));

  private static byte[] write(Optional<KeyPair> keys) {
    return new BundleWriter("7", keys.map(KeyPair::getPrivate))
        .write(PLAN, new java.util.TreeMap<>(Map.of("a.policy", "sha256:00")));
  }

  /** Refused with a message that names the file, is one line, and contains {@code expected}. */
  static String refused(BundleReader reader, byte[] bytes, String expected) {
    BundleException e = assertThrows(BundleException.class, () -> reader.read(bytes, NAME));
    String m = e.getMessage();
    assertTrue(m.startsWith("`" + NAME + "` "), m);
    assertFalse(m.contains("\n"), m);
    assertTrue(m.contains(expected), () -> "expected `" + expected + "` in: " + m);
    assertEquals(0, e.getStackTrace().length, "no stack trace is recorded");
    return m;
  }

  static int manifestLen(byte[] b) {
    return (int) BundleFormat.u32(b, BundleFormat.MANIFEST_LEN_AT);
  }

  static int planLen(byte[] b) {
    return (int) BundleFormat.u32(b, BundleFormat.PLAN_LEN_AT);
  }

  static byte[] flip(byte[] b, int at) {
    byte[] c = b.clone();
    c[at] ^= 0x40;
    return c;
  }

  @Test
  void validBundlesLoad() {
    LoadedBundle u = OPEN.read(UNSIGNED, NAME);
    assertEquals(PLAN, u.plan());
    assertFalse(u.signed());
    LoadedBundle s = TRUSTING.read(SIGNED, NAME);
    assertEquals(PLAN, s.plan());
    assertTrue(s.signed());
    assertTrue(s.verified());
  }

  @Test
  void signedBundleWithoutTrustLoadsUnverified() {
    LoadedBundle s = OPEN.read(SIGNED, NAME);
    assertTrue(s.signed());
    assertFalse(s.verified());
    assertEquals(PLAN, s.plan());
  }

  @Test
  void notABundle() {
    refused(OPEN, "this is some text, not a bundle at all".getBytes(StandardCharsets.UTF_8), "is not a Writ bundle");
    refused(OPEN, PlanCodec.json(PLAN), "is not a Writ bundle");
    refused(OPEN, new byte[0], "is empty");
    byte[] badMagic = flip(UNSIGNED, 3);
    refused(OPEN, badMagic, "does not start with `WBUNDLE`");
  }

  @Test
  void unknownFormatVersions() {
    for (int v : new int[] {0, 1, 4, 0x0100, 0xffff}) {
      byte[] b = UNSIGNED.clone();
      BundleFormat.putU16(b, BundleFormat.VERSION_AT, v);
      String m = refused(OPEN, b, "has bundle format version " + v + ",");
      assertTrue(m.contains("reads versions 2 and 3"), m);
    }
    // Even a future bundle cut short is reported by its version: its layout may differ.
    byte[] future = Arrays.copyOf(UNSIGNED, 12);
    BundleFormat.putU16(future, BundleFormat.VERSION_AT, 4);
    refused(OPEN, future, "format version 4");
  }

  @Test
  void truncatedAnywhere() {
    int m = manifestLen(SIGNED);
    int p = planLen(SIGNED);
    int[] cuts = {1, 7, 8, 9, 10, 12, 23, 24, 40, 55, 56, 57, 56 + m / 2, 56 + m, 56 + m + 1, 56 + m + p / 2,
        56 + m + p - 1, 56 + m + p, SIGNED.length - 1};
    for (int cut : cuts) {
      for (BundleReader reader : new BundleReader[] {OPEN, TRUSTING}) {
        String msg = refused(reader, Arrays.copyOf(SIGNED, cut), "is truncated");
        if (cut >= BundleFormat.HEADER_LEN) {
          assertTrue(msg.contains("announces " + SIGNED.length + " bytes, but there are only " + cut), msg);
        }
      }
    }
    refused(OPEN, Arrays.copyOf(UNSIGNED, UNSIGNED.length - 1), "is truncated");
  }

  @Test
  void extraBytesAreCorruption() {
    refused(OPEN, Arrays.copyOf(UNSIGNED, UNSIGNED.length + 1), "is corrupted");
    refused(TRUSTING, Arrays.copyOf(SIGNED, SIGNED.length + 100), "is corrupted");
  }

  @Test
  void aFlippedByteInAnySectionIsCaught() {
    int m = manifestLen(SIGNED);
    int p = planLen(SIGNED);
    // header fields after the version
    refused(OPEN, flip(SIGNED, BundleFormat.SIG_ALG_AT), "is corrupted: its content does not match its SHA-256");
    refused(OPEN, flip(SIGNED, BundleFormat.RESERVED_AT), "is corrupted: its content does not match");
    refused(OPEN, flip(SIGNED, BundleFormat.MANIFEST_LEN_AT + 3), "announces");
    refused(OPEN, flip(SIGNED, BundleFormat.PLAN_LEN_AT), "announces");
    refused(OPEN, flip(SIGNED, BundleFormat.SIG_LEN_AT + 2), "announces");
    // the digest, the manifest, the plan
    for (int at : new int[] {BundleFormat.DIGEST_AT, BundleFormat.DIGEST_AT + 31, 56, 56 + m / 2, 56 + m - 1, 56 + m,
        56 + m + 10, 56 + m + p / 2, 56 + m + p - 1}) {
      refused(OPEN, flip(SIGNED, at), "is corrupted: its content does not match its SHA-256 digest");
      refused(TRUSTING, flip(SIGNED, at), "is corrupted: its content does not match its SHA-256 digest");
    }
    // the signature: refused where it is checked, ignored (and reported unverified) where it is not
    for (int at : new int[] {56 + m + p, 56 + m + p + 31, SIGNED.length - 1}) {
      refused(TRUSTING, flip(SIGNED, at), "has a signature that does not verify");
      LoadedBundle b = OPEN.read(flip(SIGNED, at), NAME);
      assertTrue(b.signed());
      assertFalse(b.verified());
    }
  }

  @Test
  void signatures() {
    refused(TRUSTING, UNSIGNED, "is not signed, but a trusted public key is configured");
    refused(new BundleReader(Optional.of(OTHER_KEYS.getPublic())), SIGNED, "has a signature that does not verify");
    // A signature moved to another bundle does not verify there.
    byte[] other = new BundleWriter("8", Optional.of(OTHER_KEYS.getPrivate()))
        .write(PLAN, new java.util.TreeMap<>(Map.of("a.policy", "sha256:00")));
    byte[] swapped = other.clone();
    System.arraycopy(SIGNED, SIGNED.length - 64, swapped, swapped.length - 64, 64);
    refused(new BundleReader(Optional.of(OTHER_KEYS.getPublic())), swapped, "does not verify");
    refused(TRUSTING, swapped, "does not verify");
  }

  @Test
  void tooLarge(@TempDir Path tmp) throws IOException {
    BundleReader small = new BundleReader(Optional.empty(), 1024);
    String m = refused(small, UNSIGNED, "is too large: " + UNSIGNED.length + " bytes, over the limit of 1024 bytes");
    assertTrue(m.length() < 200, m);
    Path file = tmp.resolve(NAME);
    Files.write(file, UNSIGNED);
    BundleException e = assertThrows(BundleException.class, () -> small.read(file));
    assertTrue(e.getMessage().contains("is too large"), e.getMessage());
    assertTrue(e.getMessage().startsWith("`" + file + "`"), e.getMessage());
    assertEquals(PLAN, OPEN.read(file).plan());
    assertThrows(IllegalArgumentException.class, () -> new BundleReader(Optional.empty(), 10));
  }

  @Test
  void unreadableFiles(@TempDir Path tmp) {
    BundleException missing = assertThrows(BundleException.class, () -> OPEN.read(tmp.resolve("none.wbundle")));
    assertTrue(missing.getMessage().endsWith("cannot be read: no such file"), missing.getMessage());
    BundleException dir = assertThrows(BundleException.class, () -> OPEN.read(tmp));
    assertTrue(dir.getMessage().endsWith("is not a file"), dir.getMessage());
  }

  @Test
  void trustKeysMustBeEd25519() throws Exception {
    PublicKey rsa = java.security.KeyPairGenerator.getInstance("RSA").generateKeyPair().getPublic();
    BundleException e = assertThrows(BundleException.class, () -> new BundleReader(Optional.of(rsa)));
    assertTrue(e.getMessage().contains("Ed25519"), e.getMessage());
    var ed448 = java.security.KeyPairGenerator.getInstance("Ed448").generateKeyPair();
    assertThrows(BundleException.class, () -> new BundleReader(Optional.of(ed448.getPublic())));
    assertThrows(BundleException.class, () -> new BundleWriter("1", Optional.of(ed448.getPrivate())));
  }

  // Bundles whose digest is right but whose insides are wrong: only a foreign or buggy writer
  // makes them, and they must be refused as cleanly as damaged ones. Most of them edit the plan
  // JSON, so they are version 2 bundles (which readers still load); BinaryPlanCodecTest does the
  // same for the binary plan of version 3.

  /** Assembles a version 2 bundle from its parts with a correct content digest (and signature, if keys are given). */
  static byte[] assemble(int sigAlg, byte[] manifest, byte[] plan, int sigLen, KeyPair keys) {
    return assemble(BundleFormat.JSON_PLAN_VERSION, sigAlg, manifest, plan, sigLen, keys);
  }

  static byte[] assemble(int version, int sigAlg, byte[] manifest, byte[] plan, int sigLen, KeyPair keys) {
    byte[] out = new byte[BundleFormat.HEADER_LEN + manifest.length + plan.length + sigLen];
    System.arraycopy(BundleFormat.MAGIC, 0, out, 0, 8);
    BundleFormat.putU16(out, BundleFormat.VERSION_AT, version);
    out[BundleFormat.SIG_ALG_AT] = (byte) sigAlg;
    BundleFormat.putU32(out, BundleFormat.MANIFEST_LEN_AT, manifest.length);
    BundleFormat.putU32(out, BundleFormat.PLAN_LEN_AT, plan.length);
    BundleFormat.putU32(out, BundleFormat.SIG_LEN_AT, sigLen);
    System.arraycopy(manifest, 0, out, BundleFormat.HEADER_LEN, manifest.length);
    System.arraycopy(plan, 0, out, BundleFormat.HEADER_LEN + manifest.length, plan.length);
    int end = BundleFormat.HEADER_LEN + manifest.length + plan.length;
    byte[] digest = BundleWriter.contentDigest(out, end);
    System.arraycopy(digest, 0, out, BundleFormat.DIGEST_AT, 32);
    if (keys != null) {
      try {
        var s = java.security.Signature.getInstance("Ed25519");
        s.initSign(keys.getPrivate());
        s.update(digest);
        System.arraycopy(s.sign(), 0, out, end, 64);
      } catch (java.security.GeneralSecurityException e) {
        throw new AssertionError(e);
      }
    }
    return out;
  }

  static byte[] gzip(byte[] data) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (GZIPOutputStream g = new GZIPOutputStream(bytes)) {
      g.write(data);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
    return bytes.toByteArray();
  }

  static BundleManifest manifestFor(PlanData plan, byte[] planJson) {
    return manifestFor(BundleFormat.JSON_PLAN_VERSION, plan, planJson);
  }

  /** A manifest for {@code plan} whose plan digest is that of {@code planBytes} (JSON or binary, uncompressed). */
  static BundleManifest manifestFor(int version, PlanData plan, byte[] planJson) {
    return new BundleManifest(version, "7", java.time.Instant.EPOCH, "test", new java.util.TreeMap<>(),
        plan.rules().stream().map(r -> r.name()).toList(), PlanCodec.schemaDigest(plan.schema()),
        PlanCodec.digestString(PlanCodec.sha256().digest(planJson)));
  }

  /** A bundle whose plan JSON is the real one edited, with a manifest that matches the edited JSON. */
  static byte[] withPlanJson(UnaryOperator<String> edit) {
    byte[] json = edit.apply(new String(PlanCodec.json(PLAN), StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8);
    return assemble(0, PlanCodec.json(manifestFor(PLAN, json)), gzip(json), 0, null);
  }

  static byte[] withManifestJson(UnaryOperator<String> edit) {
    byte[] json = PlanCodec.json(PLAN);
    String manifest = new String(PlanCodec.json(manifestFor(PLAN, json)), StandardCharsets.UTF_8);
    return assemble(0, edit.apply(manifest).getBytes(StandardCharsets.UTF_8), gzip(json), 0, null);
  }

  @Test
  void assembledBundlesLoad() {
    assertEquals(PLAN, OPEN.read(withPlanJson(s -> s), NAME).plan());
    assertEquals(PLAN, OPEN.read(withManifestJson(s -> s), NAME).plan());
  }

  @Test
  void malformedHeadersUnderAValidDigest() {
    byte[] json = PlanCodec.json(PLAN);
    byte[] manifest = PlanCodec.json(manifestFor(PLAN, json));
    refused(OPEN, assemble(7, manifest, gzip(json), 0, null), "is malformed: unknown signature algorithm 7");
    refused(OPEN, assemble(1, manifest, gzip(json), 0, null), "is malformed: a 0-byte signature");
    refused(OPEN, assemble(0, manifest, gzip(json), 64, null), "is malformed: a 64-byte signature");
    refused(OPEN, assemble(1, manifest, gzip(json), 12, null), "is malformed: a 12-byte signature");
    byte[] reserved = assemble(0, manifest, gzip(json), 0, null);
    reserved[BundleFormat.RESERVED_AT] = 1;
    byte[] resealed = assemble(0, manifest, gzip(json), 0, null);
    // recompute the digest over the changed header byte
    System.arraycopy(reserved, 0, resealed, 0, BundleFormat.DIGEST_AT);
    System.arraycopy(BundleWriter.contentDigest(resealed, resealed.length), 0, resealed, BundleFormat.DIGEST_AT, 32);
    refused(OPEN, resealed, "reserved header byte 11 is not 0");
  }

  @Test
  void malformedManifests() {
    refused(OPEN, withManifestJson(s -> s.substring(0, s.length() - 1)), "has a malformed manifest");
    refused(OPEN, withManifestJson(s -> "not json"), "has a malformed manifest");
    refused(OPEN, withManifestJson(s -> s.replace("\"format\":2", "\"format\":1")),
        "has a malformed manifest: its format is not the header's version 2");
    refused(OPEN, withManifestJson(s -> s.replace("\"revision\":\"7\",", "")), "has a malformed manifest");
    refused(OPEN, withManifestJson(s -> s.replace("\"created\":\"1970-01-01T00:00:00Z\"", "\"created\":\"yesterday\"")),
        "has a malformed manifest");
    refused(OPEN, withManifestJson(s -> s.replace("\"rules\":[", "\"rules\":[\"extra\",")),
        "the rule names of its manifest are not those of its plan");
    refused(OPEN, withManifestJson(s -> s.replaceFirst("\"schemaDigest\":\"sha256:.", "\"schemaDigest\":\"sha256:x")),
        "its schema does not match the schema digest");
    refused(OPEN, withManifestJson(s -> s.replaceFirst("\"planDigest\":\"sha256:.", "\"planDigest\":\"sha256:x")),
        "its plan does not match the plan digest of its manifest");
    refused(OPEN, withManifestJson(s -> "null"), "has a malformed manifest");
    // Unknown manifest fields are ignored: a later writer may add informational ones.
    assertEquals(PLAN, OPEN.read(withManifestJson(s -> s.replace("{\"format\"", "{\"builtBy\":\"ci\",\"format\"")),
        NAME).plan());
  }

  @Test
  void malformedPlans() {
    byte[] json = PlanCodec.json(PLAN);
    byte[] manifest = PlanCodec.json(manifestFor(PLAN, json));
    refused(OPEN, assemble(0, manifest, json, 0, null), "has a malformed plan: the plan section is not valid gzip");
    refused(OPEN, assemble(0, manifest, Arrays.copyOf(gzip(json), gzip(json).length - 4), 0, null),
        "has a malformed plan");
    refused(OPEN, withPlanJson(s -> s + " {}"), "has a malformed plan");
    refused(OPEN, withPlanJson(s -> s.substring(0, s.length() / 2)), "has a malformed plan");
    refused(OPEN, withPlanJson(s -> s.replace("{\"schema\":", "{\"extra\":1,\"schema\":")), "has a malformed plan");
    refused(OPEN, withPlanJson(s -> s.replace("\"intents\":", "\"xintents\":")), "has a malformed plan");
    refused(OPEN, withPlanJson(s -> s.replaceFirst("\\[\"[A-Z]+\",", "[\"FROB\",")),
        "unknown expression operator `FROB`");
    refused(OPEN, withPlanJson(s -> s.replaceFirst("\"expr\":\\[", "\"expr\":[\"AND\",null,0,5,\"x\",")),
        "has too few arguments");
    refused(OPEN, withPlanJson(s -> s.replaceFirst("\"expr\":\\[", "\"expr\":[\"AND\",null,0,-1,\"x\",")),
        "bad argument count");
    refused(OPEN, withPlanJson(s -> s.replaceFirst("\"expr\":\\[", "\"expr\":[\"AND\",null,0.5,1,\"x\",")),
        "expected an integer");
    refused(OPEN, withPlanJson(s -> s.replaceFirst("\"expr\":\\[", "\"expr\":[\"NOT\",1,0,1,\"x\",")),
        "expected a string or null");
    refused(OPEN, withPlanJson(s -> s.replaceFirst("\"expr\":\\[", "\"expr\":[\"NOT\",null,0,1")),
        "has a malformed plan");
    refused(OPEN, withPlanJson(s -> s.replaceFirst("\"expr\":\\[", "\"expr\":{\"op\":1},\"y\":[")),
        "an expression must be an array");
    refused(OPEN, withPlanJson(s -> s.replaceFirst("\"expr\":\\[[^]]*]", "\"expr\":[]")), "empty expression");
    refused(OPEN, withPlanJson(s -> s.replaceFirst("\"expr\":\\[", "\"expr\":[\"INT\",null,1,0,\"x\",")),
        "do not form one tree");
    refused(OPEN, withPlanJson(s -> s.replaceFirst("\"forbid\":(true|false)", "\"forbid\":null")), "has a malformed plan");
    refused(OPEN, withPlanJson(s -> s.replaceFirst("\"kind\":\"[A-Z]+\"", "\"kind\":\"ROBOT\"")), "has a malformed plan");
    refused(OPEN, withPlanJson(s -> s.replaceFirst("\"rules\":\\[", "\"rules\":null,\"x\":[")), "has a malformed plan");
    refused(OPEN, withPlanJson(s -> "[".repeat(5000) + "]".repeat(5000)), "has a malformed plan");
  }

  @Test
  void deepExpressionsAreRefusedBeforeTheyReachThePlanBuilder() {
    StringBuilder deep = new StringBuilder("\"expr\":[");
    for (int i = 0; i < 100_000; i++) {
      deep.append("\"NOT\",null,0,1,\"x\",");
    }
    String expr = deep.toString();
    refused(OPEN, withPlanJson(s -> s.replaceFirst("\"expr\":\\[", expr)), "nests deeper than 512 levels");
  }

  @Test
  void plansThisEngineCannotBuild() {
    refused(OPEN, withPlanJson(s -> s.replaceFirst("\"id\":0,", "\"id\":5,")), "has a plan this engine cannot build");
    refused(OPEN, withPlanJson(s -> s.replaceFirst("\"expr\":\\[[^]]*]",
        "\"expr\":[\"MATCHES\",\"([\",0,1,\"x\",\"STR\",\"a\",0,0,\"x\"]")), "has a plan this engine cannot build");
    // Nulls where the engine expects lists: a clean refusal, not a NullPointerException.
    refused(OPEN, withPlanJson(s -> s.replaceFirst("\"approvals\":\\[]", "\"approvals\":null")),
        "has a plan this engine cannot build");
    refused(OPEN, withPlanJson(s -> s.replaceFirst("\"memberOf\":\\[[^]]*]", "\"memberOf\":null")),
        "has a malformed plan");
    refused(OPEN, withPlanJson(s -> {
      try {
        var tree = (com.fasterxml.jackson.databind.node.ObjectNode) PlanCodec.MAPPER.readTree(s);
        tree.putNull("schema");
        return PlanCodec.MAPPER.writeValueAsString(tree);
      } catch (IOException e) {
        throw new AssertionError(e);
      }
    }), "its schema does not match the schema digest");
  }

  @Test
  void decompressionBombsStopAtTheLimit() {
    byte[] huge = new byte[8 * 1024 * 1024];
    Arrays.fill(huge, (byte) ' ');
    huge[0] = '{';
    byte[] bomb = gzip(huge);
    assertTrue(bomb.length < 64 * 1024, "the bomb itself is small: " + bomb.length);
    byte[] manifest = PlanCodec.json(manifestFor(PLAN, PlanCodec.json(PLAN)));
    refused(new BundleReader(Optional.empty(), 1024 * 1024), assemble(0, manifest, bomb, 0, null),
        "is too large: its plan is over 1048576 bytes (1.0 MiB) once decompressed");
  }

  @Test
  void aForeignSignedBundleWithABadPlanIsRefusedAfterVerification() {
    byte[] json = "{}".getBytes(StandardCharsets.UTF_8);
    byte[] manifest = PlanCodec.json(manifestFor(PLAN, json));
    byte[] signedJunk = assemble(1, manifest, gzip(json), 64, KEYS);
    refused(TRUSTING, signedJunk, "has a malformed plan");
    refused(new BundleReader(Optional.of(OTHER_KEYS.getPublic())), signedJunk, "does not verify");
  }
}
