package dev.writ.bench.jmh;

import dev.writ.bench.CasbinPeer;
import dev.writ.bench.SaplPeer;
import dev.writ.bench.Workload;
import io.sapl.api.pdp.AuthorizationSubscription;
import io.sapl.api.pdp.PolicyDecisionPoint;
import java.util.concurrent.TimeUnit;
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
 * SAPL's embedded PDP on the PEER mix, the second peer (see {@link SaplPeer}). Compare with
 * {@code PeerLatency.writ} of the same run: same workload, same request stream. The setup
 * cross-checks a prefix of the stream against Writ and fails the trial on any disagreement.
 *
 * <p>Stops at 10,000 rules: SAPL parses one Xtext document per rule when the PDP is built and,
 * with the in-memory policy retrieval used here, evaluates every document's target per decision,
 * so 100,000 rules take minutes to build and seconds per decision.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms4g", "-Xmx4g"})
@State(Scope.Benchmark)
public class SaplPeerLatency {
  @Param({"10", "100", "1000", "10000"})
  public int n;

  private PolicyDecisionPoint pdp;
  private AuthorizationSubscription[] subscriptions;

  @Setup(Level.Trial)
  public void setup() {
    WritState writ = new WritState(Workload.Mix.PEER, n);
    pdp = SaplPeer.pdp(writ.workload);
    subscriptions = SaplPeer.subscriptions(writ.workload, writ.store);
    int count = n <= 100 ? Workload.REQUESTS : n <= 1000 ? 512 : 64;
    CasbinPeer.Agreement a = SaplPeer.crossCheck(writ.workload, writ.authorizer, writ.store, pdp, subscriptions, count);
    a.orThrow();
    System.out.println("\ncross-check: " + a.checked() + " requests, " + a.permits() + " permits, Writ and SAPL agree");
  }

  @Benchmark
  public boolean sapl(Cursor c) {
    return SaplPeer.permits(pdp, subscriptions[c.next() & (Workload.REQUESTS - 1)]);
  }
}
