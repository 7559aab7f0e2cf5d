package dev.writ.engine.bundle;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.longs;

import dev.writ.engine.compile.PlanCompiler;
import dev.writ.engine.decision.Decision;
import dev.writ.engine.decision.Outcome;
import dev.writ.engine.entity.EntityStore;
import dev.writ.engine.eval.Authorizer;
import dev.writ.engine.eval.BadRequestException;
import dev.writ.engine.eval.DecideOptions;
import dev.writ.engine.eval.EvaluationPlan;
import dev.writ.engine.plan.PlanData;
import dev.writ.engine.request.AccessRequest;
import dev.writ.language.Frontend;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A loaded bundle decides exactly as the plan compiled directly from the same policies. */
class BundleRoundTripTest {
  private static final EntityStore STORE = GeneratedPolicies.entities();
  private static final DecideOptions PLAIN = DecideOptions.at(GeneratedPolicies.NOW);
  private static final DecideOptions EXPLAIN = PLAIN.explaining();

  /** A decision, or the bad-request message, so that both kinds of outcome can be compared. */
  private static Object outcome(Authorizer a, AccessRequest r, DecideOptions o) {
    try {
      return a.decide(r, STORE, o);
    } catch (BadRequestException e) {
      return "bad request: " + e.getMessage();
    }
  }

  private record Pair(PlanData direct, LoadedBundle loaded) {}

  private static Pair compileAndLoad(Path dir, long seed, int rules) {
    Frontend.Result checked = GeneratedPolicies.check(dir, GeneratedPolicies.files(seed, rules));
    PlanData direct = PlanCompiler.lower(checked.bundle().orElseThrow());
    byte[] bytes = new BundleWriter("seed-" + seed, Optional.empty())
        .write(PlanCompiler.lower(checked.bundle().orElseThrow()), checked.sources(), dir);
    return new Pair(direct, new BundleReader(Optional.empty()).read(bytes, "seed-" + seed + ".wbundle"));
  }

  @Test
  void loadedBundlesDecideAsTheirPolicies(@TempDir Path tmp) throws Exception {
    Map<Outcome, Integer> seen = new EnumMap<>(Outcome.class);
    int errors = 0;
    int badRequests = 0;
    for (long s = 1; s <= 12; s++) {
      long seed = s;
      Pair p = compileAndLoad(Files.createDirectory(tmp.resolve("s" + seed)), seed, 120);
      assertEquals(p.direct(), p.loaded().plan(), "seed " + seed);
      Authorizer direct = new Authorizer(EvaluationPlan.of(p.direct()));
      Authorizer loaded = new Authorizer(p.loaded().evaluationPlan());
      Random r = new Random(seed * 7919);
      for (int i = 0; i < 400; i++) {
        AccessRequest req = GeneratedPolicies.request(r);
        DecideOptions o = i % 2 == 0 ? PLAIN : EXPLAIN;
        Object expected = outcome(direct, req, o);
        assertEquals(expected, outcome(loaded, req, o), () -> "seed " + seed + ", request " + req);
        if (expected instanceof Decision d) {
          seen.merge(d.decision(), 1, Integer::sum);
          errors += d.errors().isEmpty() ? 0 : 1;
        } else {
          badRequests++;
        }
      }
    }
    // The generator is only useful if it reaches every outcome, errors and bad requests included.
    for (Outcome o : Outcome.values()) {
      assertTrue(seen.getOrDefault(o, 0) > 20, "too few " + o + " decisions: " + seen);
    }
    assertTrue(errors > 20, "too few decisions with evaluation errors: " + errors);
    assertTrue(badRequests > 5, "too few bad requests: " + badRequests);
  }

  @Test
  void randomRequestsDecideAlikeProperty(@TempDir Path tmp) throws Exception {
    Pair p = compileAndLoad(tmp, 424242, 300);
    Authorizer direct = new Authorizer(EvaluationPlan.of(p.direct()));
    Authorizer loaded = new Authorizer(p.loaded().evaluationPlan());
    qt().withExamples(2000).forAll(longs().all()).checkAssert(seed -> {
      AccessRequest req = GeneratedPolicies.request(new Random(seed));
      assertEquals(outcome(direct, req, EXPLAIN), outcome(loaded, req, EXPLAIN));
    });
  }

  @Test
  void manifestDescribesTheBundle(@TempDir Path tmp) throws Exception {
    Map<String, String> files = GeneratedPolicies.files(5, 30);
    Frontend.Result checked = GeneratedPolicies.check(tmp, files);
    Instant created = Instant.parse("2026-06-15T10:00:00Z");
    byte[] bytes = new BundleWriter("1.4.0", Optional.empty()).createdAt(created)
        .write(PlanCompiler.lower(checked.bundle().orElseThrow()), checked.sources(), tmp);
    LoadedBundle b = new BundleReader(Optional.empty()).read(bytes, "b.wbundle");
    BundleManifest m = b.manifest();
    assertEquals(BundleFormat.VERSION, m.format());
    assertEquals("1.4.0", m.revision());
    assertEquals(created, m.created());
    assertTrue(m.writer().startsWith("writ-engine "), m.writer());
    assertFalse(m.writer().contains("${"), m.writer());
    assertEquals(files.keySet().stream().sorted().toList(), List.copyOf(m.sources().keySet()));
    for (Map.Entry<String, String> f : files.entrySet()) {
      String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
          .digest(Files.readAllBytes(tmp.resolve(f.getKey())))); // what sha256sum prints
      assertEquals("sha256:" + sha, m.sources().get(f.getKey()));
    }
    assertEquals(b.plan().rules().stream().map(r -> r.name()).toList(), m.rules());
    assertTrue(m.rules().stream().anyMatch(n -> n.startsWith("gen.part")), "package names are kept");
    assertEquals(PlanCodec.schemaDigest(b.plan().schema()), m.schemaDigest());
    assertTrue(m.planDigest().matches("sha256:[0-9a-f]{64}"), m.planDigest());
    assertFalse(b.signed());
    assertFalse(b.verified());
  }

  @Test
  void writingIsReproducibleAndThePlanDigestIgnoresRevisionAndTime(@TempDir Path tmp) {
    Frontend.Result checked = GeneratedPolicies.check(tmp, GeneratedPolicies.files(9, 40));
    Instant t = Instant.parse("2026-01-01T00:00:00Z");
    var key = BundleKeys.generate().getPrivate();
    BundleWriter w = new BundleWriter("r1", Optional.of(key)).createdAt(t);
    byte[] a = w.write(PlanCompiler.lower(checked.bundle().orElseThrow()), checked.sources(), tmp);
    byte[] b = w.write(PlanCompiler.lower(checked.bundle().orElseThrow()), checked.sources(), tmp);
    assertArrayEquals(a, b, "same input, same key, same time: same bytes");
    byte[] c = new BundleWriter("r2", Optional.empty()).write(PlanCompiler.lower(checked.bundle().orElseThrow()), checked.sources(), tmp);
    BundleReader reader = new BundleReader(Optional.empty());
    assertEquals(reader.read(a, "a").manifest().planDigest(), reader.read(c, "c").manifest().planDigest());
    assertEquals(reader.read(a, "a").manifest().schemaDigest(), reader.read(c, "c").manifest().schemaDigest());
  }

  @Test
  void bundleFilesRoundTripThroughTheFileSystem(@TempDir Path tmp) throws Exception {
    Path policies = Files.createDirectory(tmp.resolve("policies"));
    Frontend.Result checked = GeneratedPolicies.check(policies, GeneratedPolicies.files(3, 20));
    byte[] bytes = new BundleWriter("1", Optional.empty())
        .write(PlanCompiler.lower(checked.bundle().orElseThrow()), checked.sources(), policies);
    Path out = tmp.resolve("target/policies-1.wbundle");
    BundleWriter.writeFile(bytes, out);
    BundleWriter.writeFile(bytes, out); // replacing an existing bundle
    assertArrayEquals(bytes, Files.readAllBytes(out));
    if (Files.getFileStore(out).supportsFileAttributeView("posix")) {
      assertTrue(Files.getPosixFilePermissions(out).contains(java.nio.file.attribute.PosixFilePermission.OWNER_READ));
      assertFalse(Files.getPosixFilePermissions(out).equals(java.nio.file.attribute.PosixFilePermissions
          .fromString("rw-------")) && !Files.getPosixFilePermissions(Files.createFile(tmp.resolve("probe")))
          .equals(java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")),
          "a bundle gets the umask's permissions, not owner-only ones");
    }
    try (var listing = Files.list(out.getParent())) {
      assertEquals(List.of(out), listing.toList(), "no temporary files left behind");
    }
    assertEquals(PlanCompiler.lower(checked.bundle().orElseThrow()), new BundleReader(Optional.empty()).read(out).plan());
  }

  @Test
  void sourcePathsAreRelativeToThePolicyDirectory(@TempDir Path tmp) {
    var sources = List.of(new dev.writ.language.source.SourceFile(tmp.resolve("a/b.policy").toString(), "x"),
        new dev.writ.language.source.SourceFile(tmp.resolve("c.policy").toString(), "\u00e9"));
    var digests = BundleWriter.sourceDigests(sources, tmp);
    assertEquals(List.of("a/b.policy", "c.policy"), List.copyOf(digests.keySet()));
    assertEquals("sha256:" + HexFormat.of().formatHex(PlanCodec.sha256().digest("\u00e9".getBytes(StandardCharsets.UTF_8))),
        digests.get("c.policy"));
    // A single file given as the "directory": its name.
    assertEquals(List.of("c.policy"), List.copyOf(BundleWriter.sourceDigests(sources.subList(1, 2),
        tmp.resolve("c.policy")).keySet()));
  }
}
