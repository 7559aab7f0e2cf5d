package dev.writ.bench;

import dev.writ.engine.decision.Decision;
import dev.writ.engine.decision.Outcome;
import dev.writ.engine.entity.MapEntityStore;
import dev.writ.engine.eval.Authorizer;
import dev.writ.engine.eval.DecideOptions;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.casbin.jcasbin.main.Enforcer;

/**
 * Run before anything is timed: generates every workload, checks that it compiles and that its
 * decisions are sane (no evaluation errors, a permit/deny mix), and that Writ and jCasbin decide
 * the same on the PEER and ROLE_FOLDER requests (and SAPL with Writ on the PEER requests).
 * Exits 1 on any disagreement.
 *
 * <pre>java -cp benchmarks.jar dev.writ.bench.CrossCheck [--requests 4096] [N ...]</pre>
 *
 * <p>jCasbin scans every policy line per request, so at 100,000 rules a request costs it tens of
 * milliseconds; the number of requests checked is capped there by a time budget (and printed).
 */
public final class CrossCheck {
  private CrossCheck() {}

  /** SAPL parses one document per rule and scans them all per decision: beyond this it takes minutes. */
  static final int SAPL_MAX_RULES = 10000;

  public static void main(String[] args) {
    int maxRequests = Workload.REQUESTS;
    List<Integer> sizes = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--requests")) {
        maxRequests = Integer.parseInt(args[++i]);
      } else {
        sizes.add(Integer.parseInt(args[i].replace("_", "")));
      }
    }
    if (sizes.isEmpty()) {
      sizes = List.of(10, 100, 1000, 10000, 100000);
    }
    boolean ok = true;
    for (int n : sizes) {
      ok &= realistic(n);
      ok &= peer(Workload.Mix.PEER, n, maxRequests);
      ok &= peer(Workload.Mix.ROLE_FOLDER, n, maxRequests);
    }
    System.out.println(ok ? "cross-check: all agree" : "cross-check: FAILED");
    if (!ok) {
      System.exit(1);
    }
  }

  static Map<Outcome, Integer> outcomes(Workload w, Authorizer a, MapEntityStore store, int[] errors) {
    Map<Outcome, Integer> count = new EnumMap<>(Outcome.class);
    DecideOptions options = DecideOptions.at(Workload.TIME);
    for (var r : w.requests) {
      Decision d = a.decide(r, store, options);
      count.merge(d.decision(), 1, Integer::sum);
      if (!d.errors().isEmpty()) {
        errors[0]++;
      }
    }
    return count;
  }

  static boolean realistic(int n) {
    long t0 = System.nanoTime();
    Workload w = Workload.generate(Workload.Mix.REALISTIC, n);
    Authorizer a = new Authorizer(w.compile());
    MapEntityStore store = w.store();
    int[] errors = {0};
    Map<Outcome, Integer> mix = outcomes(w, a, store, errors);
    System.out.printf("REALISTIC   n=%-6d rules=%-6d entities=%-6d outcomes=%s errors=%d (%.1f s)%n", n, w.ruleCount,
        w.entities.size(), mix, errors[0], (System.nanoTime() - t0) / 1e9);
    if (errors[0] > 0) {
      System.out.println("  FAILED: the REALISTIC mix must not produce evaluation errors");
      return false;
    }
    return true;
  }

  static boolean peer(Workload.Mix mix, int n, int maxRequests) {
    long t0 = System.nanoTime();
    Workload w = Workload.generate(mix, n);
    Authorizer a = new Authorizer(w.compile());
    MapEntityStore store = w.store();
    Enforcer e = CasbinPeer.enforcer(w);
    Object[][] cr = CasbinPeer.requests(w, store);
    // Budget: about 10 s per peer and workload (at least 100 requests), measured after a warm-up.
    for (int i = 0; i < 64; i++) {
      e.enforce(cr[i]); // warm-up, so the budget below is not set by the interpreter
    }
    long c0 = System.nanoTime();
    for (int i = 0; i < 8; i++) {
      e.enforce(cr[i]);
    }
    double casbinSeconds = (System.nanoTime() - c0) / 8e9;
    int count = (int) Math.min(maxRequests, Math.max(100, 10 / Math.max(casbinSeconds, 1e-9)));
    CasbinPeer.Agreement ag = CasbinPeer.crossCheck(w, a, store, e, cr, count);
    System.out.printf("%-11s n=%-6d rules=%-6d jCasbin checked=%d permits=%d mismatches=%d (%.1f s)%n", mix, n,
        w.ruleCount, ag.checked(), ag.permits(), ag.mismatches(), (System.nanoTime() - t0) / 1e9);
    if (ag.mismatches() > 0) {
      System.out.println("  FAILED: " + ag.firstMismatch());
      return false;
    }
    if (mix == Workload.Mix.PEER && n <= SAPL_MAX_RULES) {
      long s0 = System.nanoTime();
      var pdp = SaplPeer.pdp(w);
      var subs = SaplPeer.subscriptions(w, store);
      for (int i = 0; i < 64; i++) {
        SaplPeer.permits(pdp, subs[i]); // warm-up
      }
      long s1 = System.nanoTime();
      for (int i = 0; i < 8; i++) {
        SaplPeer.permits(pdp, subs[i]);
      }
      double saplSeconds = (System.nanoTime() - s1) / 8e9;
      int saplCount = (int) Math.min(maxRequests, Math.max(100, 10 / Math.max(saplSeconds, 1e-9)));
      CasbinPeer.Agreement sg = SaplPeer.crossCheck(w, a, store, pdp, subs, saplCount);
      System.out.printf("%-11s n=%-6d rules=%-6d SAPL    checked=%d permits=%d mismatches=%d (%.1f s)%n", mix, n,
          w.ruleCount, sg.checked(), sg.permits(), sg.mismatches(), (System.nanoTime() - s0) / 1e9);
      if (sg.mismatches() > 0) {
        System.out.println("  FAILED: " + sg.firstMismatch());
        return false;
      }
    }
    return true;
  }
}
