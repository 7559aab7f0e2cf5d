package dev.writ.bench.jmh;

import dev.writ.bench.Workload;
import dev.writ.engine.decision.Outcome;
import dev.writ.engine.grant.ActionAnswer;
import dev.writ.engine.grant.EventSourcedGrantStore;
import dev.writ.engine.grant.Grant;
import dev.writ.engine.grant.GrantRuntime;
import dev.writ.engine.grant.PolicyContext;
import dev.writ.engine.grant.RequestResult;
import dev.writ.engine.request.AccessRequest;
import dev.writ.engine.request.ActionFact;
import dev.writ.engine.value.EntityUid;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The grant runtime (docs/language.md §8) on the REALISTIC mix: {@code issue} decides a permitted
 * request and records the grant (three audit events, one append); {@code act} checks an action
 * fact against an issued grant (expiry, envelope and drift, scope, forbids now) and records it.
 * With {@code store=durable} every operation is appended to the audit trail file and forced to
 * disk before it answers ({@code FileChannel.force}), so the figure is bounded by the disk's
 * flush latency; {@code memory} shows the same work without the disk.
 *
 * <p>Facts: 70% the granted action on the granted resource (allow, or deny by a forbid), 15% the
 * same action on another resource (deny: not covered), 15% another action (deny, or drift when
 * it leaves the intent's envelope; the REALISTIC intents used here answer drift with deny, so no
 * grant is revoked while measuring).
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 4, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms4g", "-Xmx4g"})
@State(Scope.Benchmark)
public class GrantRuntimeBench {
  @Param({"100", "10000"})
  public int n;

  @Param({"memory", "durable"})
  public String store;

  private static final int GRANTS = 1024;

  private WritState writ;
  private GrantRuntime runtime;
  private EventSourcedGrantStore grants;
  private Path dir;
  private AccessRequest[] permitted;
  private ActionFact[] facts;

  @Setup(Level.Trial)
  public void setup() throws IOException {
    writ = new WritState(Workload.Mix.REALISTIC, n);
    if (store.equals("durable")) {
      dir = Files.createTempDirectory("writ-bench-grants");
      grants = EventSourcedGrantStore.open(dir);
    } else {
      grants = EventSourcedGrantStore.inMemory();
    }
    Instant later = Workload.TIME.plusSeconds(60);
    runtime = new GrantRuntime(grants, Clock.fixed(later, ZoneOffset.UTC),
        new PolicyContext(writ.authorizer, writ.store, "bench"));
    List<AccessRequest> ok = new ArrayList<>();
    for (AccessRequest r : writ.requests) {
      if (r.delegation().isEmpty() && writ.authorizer.decide(r, writ.store, writ.options).decision() == Outcome.PERMIT) {
        ok.add(r);
      }
    }
    if (ok.isEmpty()) {
      throw new IllegalStateException("no permitted request in the stream");
    }
    permitted = new AccessRequest[Workload.REQUESTS];
    for (int i = 0; i < permitted.length; i++) {
      permitted[i] = ok.get(i % ok.size());
    }
    // Grants to act under, issued before anything is timed.
    Random rnd = new Random(7);
    List<Grant> issued = new ArrayList<>();
    for (int i = 0; i < GRANTS; i++) {
      RequestResult rr = runtime.request(permitted[i]);
      rr.grant().ifPresent(issued::add);
    }
    facts = new ActionFact[Workload.REQUESTS];
    for (int i = 0; i < facts.length; i++) {
      Grant g = issued.get(rnd.nextInt(issued.size()));
      String action = g.actions().get(0);
      EntityUid resource = g.resource();
      int x = rnd.nextInt(100);
      if (x >= 85) {
        action = action.startsWith("doc:") ? "doc:share" : "db:insert";
      } else if (x >= 70) {
        resource = issued.get(rnd.nextInt(issued.size())).resource();
      }
      facts[i] = new ActionFact(g.id(), action, resource, Optional.of(later));
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    grants.close();
    if (dir != null) {
      try (Stream<Path> files = Files.walk(dir)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> {
          try {
            Files.delete(p);
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        });
      }
    }
  }

  @Benchmark
  public RequestResult issue(Cursor c) {
    return runtime.request(permitted[c.next() & (Workload.REQUESTS - 1)]);
  }

  @Benchmark
  public ActionAnswer act(Cursor c) {
    return runtime.act(facts[c.next() & (Workload.REQUESTS - 1)]);
  }
}
