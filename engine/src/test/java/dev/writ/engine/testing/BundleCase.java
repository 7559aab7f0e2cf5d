package dev.writ.engine.testing;

import dev.writ.language.check.CheckedBundle;
import dev.writ.language.source.SourceFile;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A generated bundle: the model it was generated from, its source files and the checked
 * bundle. Deterministic in (seed, size, strict). Parsing and checking cost more than deciding,
 * so property tests draw bundles from a numbered pool ({@link #pooled}) and pair each with
 * fresh entities and requests.
 */
public record BundleCase(long seed, int size, boolean strict, PolicyGen.Generated generated, List<SourceFile> files,
                         CheckedBundle checked) {

  private static final Map<Integer, BundleCase> POOL = new ConcurrentHashMap<>();

  public static BundleCase of(long seed, int size, boolean strict) {
    Rand r = new Rand(seed);
    PolicyGen.Generated generated = PolicyGen.generate(r, size, strict);
    List<SourceFile> files = generated.files(r);
    CheckedBundle checked = Fixtures.bundle(files); // fails with the diagnostics and the source when not valid
    return new BundleCase(seed, size, strict, generated, files, checked);
  }

  /** Bundle number {@code i} of the pool: sizes cycle through 1..10, one in four is dynamic. */
  public static BundleCase pooled(int i) {
    return POOL.computeIfAbsent(i, k -> of(0x5EEDL + 7919L * k, 1 + k % 10, k % 4 != 3));
  }

  public SchemaModel model() {
    return generated.model();
  }

  /** The same policies laid out differently: other files, other paths, declarations and rules in other orders. */
  public List<SourceFile> reordered(long otherSeed) {
    return generated.files(new Rand(otherSeed));
  }

  public String title() {
    return "bundle seed=" + seed + " size=" + size + " mode=" + (strict ? "strict" : "dynamic");
  }
}
