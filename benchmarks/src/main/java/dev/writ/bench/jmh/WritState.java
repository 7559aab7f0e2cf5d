package dev.writ.bench.jmh;

import dev.writ.bench.Workload;
import dev.writ.engine.decision.Decision;
import dev.writ.engine.entity.MapEntityStore;
import dev.writ.engine.eval.Authorizer;
import dev.writ.engine.eval.DecideOptions;
import dev.writ.engine.request.AccessRequest;

/**
 * A compiled workload ready to decide: plan, entity store and the prepared request stream. Built
 * once per trial (per fork), outside every measured loop.
 */
public final class WritState {
  public final Workload workload;
  public final Authorizer authorizer;
  public final MapEntityStore store;
  public final AccessRequest[] requests;
  public final DecideOptions options = DecideOptions.at(Workload.TIME);

  public WritState(Workload.Mix mix, int n) {
    this.workload = Workload.generate(mix, n);
    this.authorizer = new Authorizer(workload.compile());
    this.store = workload.store();
    this.requests = workload.requests;
    // Decide everything once: warms the per-entity attribute slots and proves the stream decides.
    for (AccessRequest r : requests) {
      authorizer.decide(r, store, options);
    }
  }

  public Decision decide(int i) {
    return authorizer.decide(requests[i & (Workload.REQUESTS - 1)], store, options);
  }
}
