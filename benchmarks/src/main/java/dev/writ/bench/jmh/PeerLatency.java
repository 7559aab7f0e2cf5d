package dev.writ.bench.jmh;

import dev.writ.bench.CasbinPeer;
import dev.writ.bench.Workload;
import dev.writ.engine.decision.Decision;
import java.util.concurrent.TimeUnit;
import org.casbin.jcasbin.main.Enforcer;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * Writ and jCasbin in the same run on the PEER mix (the part of the realistic mix that Casbin can
 * express exactly; see {@link CasbinPeer}). Before anything is timed, the setup decides a prefix
 * of the request stream with both engines and fails the trial on any disagreement; the full
 * stream is cross-checked by {@code dev.writ.bench.CrossCheck}, which {@code run.sh} runs first.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms4g", "-Xmx4g"})
@State(Scope.Benchmark)
public class PeerLatency {
  @Param({"10", "100", "1000", "10000", "100000"})
  public int n;

  private WritState writ;
  private Enforcer casbin;
  private Object[][] casbinRequests;

  @Setup(Level.Trial)
  public void setup() {
    writ = new WritState(Workload.Mix.PEER, n);
    casbin = CasbinPeer.enforcer(writ.workload);
    casbinRequests = CasbinPeer.requests(writ.workload, writ.store);
    // jCasbin scans every line: about 1 ms per 150 rules here, so check fewer requests at large N.
    int count = n <= 1000 ? Workload.REQUESTS : n <= 10000 ? 256 : 32;
    CasbinPeer.Agreement a = CasbinPeer.crossCheck(writ.workload, writ.authorizer, writ.store, casbin,
        casbinRequests, count);
    a.orThrow();
    System.out.println("\ncross-check: " + a.checked() + " requests, " + a.permits() + " permits, Writ and jCasbin agree");
  }

  @Benchmark
  public Decision writ(Cursor c) {
    return writ.decide(c.next());
  }

  @Benchmark
  public boolean jcasbin(Cursor c) {
    return casbin.enforce(casbinRequests[c.next() & (Workload.REQUESTS - 1)]);
  }
}
