package dev.writ.engine.testing;

import dev.writ.engine.entity.Entity;
import dev.writ.engine.entity.EntityStore;
import dev.writ.engine.entity.MapEntityStore;
import dev.writ.language.check.CheckedBundle;
import dev.writ.language.source.SourceFile;
import java.util.ArrayList;
import java.util.List;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

/**
 * One generated case: a checked bundle (from source text laid out in files), an entity store
 * and a few requests. Deterministic in (seed, size, strict): the same triple always gives the
 * same scenario, so a failure is reproducible from the three numbers in its title.
 */
public record Scenario(long seed, int size, boolean strict, PolicyGen.Generated generated, List<SourceFile> files,
                       CheckedBundle bundle, List<Entity> entities, EntityStore store,
                       List<RequestGen.Generated> requests) {

  public static final int REQUESTS_PER_SCENARIO = 4;

  public static Scenario of(long seed, int size, boolean strict) {
    Rand r = new Rand(seed);
    PolicyGen.Generated generated = PolicyGen.generate(r, size, strict);
    List<SourceFile> files = generated.files(r);
    CheckedBundle bundle = Fixtures.bundle(files); // fails with the diagnostics and the source when not valid
    List<Entity> entities = EntityGen.generate(r, generated.model());
    EntityStore store = MapEntityStore.of(entities);
    RequestGen requests = new RequestGen(r, generated.model(), entities);
    List<RequestGen.Generated> list = new ArrayList<>();
    for (int i = 0; i < REQUESTS_PER_SCENARIO; i++) {
      list.add(requests.next());
    }
    return new Scenario(seed, size, strict, generated, files, bundle, entities, store, list);
  }

  /** The same policies laid out differently: other files, other paths, declarations and rules in other orders. */
  public List<SourceFile> reordered(long otherSeed) {
    return generated.files(new Rand(otherSeed));
  }

  public String title() {
    return "seed=" + seed + " size=" + size + " mode=" + (strict ? "strict" : "dynamic");
  }

  /** QuickTheories generator: a seed, a size (shrinks towards small bundles) and a mode (one in four dynamic). */
  public static Gen<Scenario> scenarios() {
    return Generate.longRange(Long.MIN_VALUE, Long.MAX_VALUE)
        .zip(Generate.range(1, 10), Generate.range(0, 3), (seed, size, mode) -> of(seed, size, mode != 0))
        .describedAs(Scenario::title);
  }
}
