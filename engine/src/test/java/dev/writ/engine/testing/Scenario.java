package dev.writ.engine.testing;

import dev.writ.engine.entity.Entity;
import dev.writ.engine.entity.EntityStore;
import dev.writ.engine.entity.MapEntityStore;
import java.util.ArrayList;
import java.util.List;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

/**
 * One generated case: a bundle, an entity store and a few requests against it. Deterministic in
 * the bundle and the data seed, so that a failure is reproducible from the numbers in its title.
 */
public record Scenario(BundleCase bundle, long dataSeed, List<Entity> entities, EntityStore store,
                       List<RequestGen.Generated> requests) {

  public static final int REQUESTS_PER_SCENARIO = 4;

  public static Scenario of(BundleCase bundle, long dataSeed) {
    Rand r = new Rand(dataSeed);
    List<Entity> entities = EntityGen.generate(r, bundle.model());
    EntityStore store = MapEntityStore.of(entities);
    RequestGen requests = new RequestGen(r, bundle.model(), entities);
    List<RequestGen.Generated> list = new ArrayList<>();
    for (int i = 0; i < REQUESTS_PER_SCENARIO; i++) {
      list.add(requests.next());
    }
    return new Scenario(bundle, dataSeed, entities, store, list);
  }

  /** A scenario with a bundle of its own. */
  public static Scenario of(long seed, int size, boolean strict) {
    return of(BundleCase.of(seed, size, strict), seed ^ 0x9E3779B97F4A7C15L);
  }

  public String title() {
    return bundle.title() + " data seed=" + dataSeed;
  }

  /**
   * QuickTheories generator: a bundle from the first {@code poolSize} of the pool (shrinks
   * towards the small bundles at the start) and a data seed.
   */
  public static Gen<Scenario> pooled(int poolSize) {
    return Generate.range(0, poolSize - 1)
        .zip(Generate.longRange(Long.MIN_VALUE, Long.MAX_VALUE), (i, seed) -> of(BundleCase.pooled(i), seed))
        .describedAs(Scenario::title);
  }
}
