package dev.writ.engine.grant;

import dev.writ.engine.decision.Outcome;
import dev.writ.engine.request.ActionFact;
import dev.writ.engine.value.EntityUid;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;

/**
 * The child process of {@link CrashTest}: a write-heavy loop against a durable store in the
 * directory given as the first argument, until it is killed. After each call returns (and so
 * after its events were forced to disk) it prints what was acknowledged, one line each, ending
 * in {@code ;} so that a line cut by the kill can be told apart:
 *
 * <pre>
 * READY n;              the store is open, n records replayed
 * G id;                 a grant was issued (request, approval or delegation)
 * R id;                 a grant was revoked (manual, drift, cascade, offboarded)
 * S seq hash;           the trail ends at record seq, whose hash is given
 * </pre>
 */
public final class CrashWriter {
  private CrashWriter() {}

  public static void main(String[] args) {
    Path dir = Path.of(args[0]);
    Random random = new Random(Long.parseLong(args[1]));
    PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), false);
    EventSourcedGrantStore store = EventSourcedGrantStore.open(dir);
    GrantRuntime rt = new GrantRuntime(store, Clock.systemUTC(), Gov.context());
    List<String> active = new ArrayList<>(rt.grants(Optional.empty(), true).stream().map(Grant::id).toList());
    List<String> pending = new ArrayList<>(rt.grants(Optional.empty(), false).stream()
        .filter(Grant::isPending).map(Grant::id).toList());
    out.print("READY " + store.trail().records().size() + ";\n");
    out.flush();
    List<EntityUid> sponsors = List.of(Gov.ALICE, Gov.BOB);
    List<EntityUid> agents = List.of(Gov.BOT, Gov.SUB, Gov.LEAF);
    List<EntityUid> resources = List.of(Gov.METRICS, Gov.STAGING, Gov.ORDERS);
    long n = 0;
    while (true) {
      n++;
      StringBuilder ack = new StringBuilder();
      int op = random.nextInt(20);
      if (op < 6 || active.isEmpty()) {
        EntityUid who = sponsors.get(random.nextInt(sponsors.size()));
        RequestResult r = rt.request(Gov.request(who, List.of("db:select", "db:describe"),
            resources.get(random.nextInt(resources.size())), Gov.incident("INC-" + n), null));
        if (r.decision().decision() == Outcome.PERMIT) {
          active.add(r.id());
          ack.append("G ").append(r.id()).append(";\n");
        } else if (r.decision().decision() == Outcome.PENDING) {
          pending.add(r.id());
        }
      } else if (op < 8 && !pending.isEmpty()) {
        String id = pending.get(random.nextInt(pending.size()));
        try {
          RequestResult r = rt.approve(id, random.nextBoolean() ? Gov.CAROL : Gov.DAVE, Optional.empty());
          if (r.decision().decision() == Outcome.PERMIT) {
            pending.remove(id);
            active.add(id);
            ack.append("G ").append(id).append(";\n");
          }
        } catch (GrantException e) {
          pending.remove(id); // offboarded meanwhile
        }
      } else if (op < 13) {
        String parent = active.get(random.nextInt(active.size()));
        RequestResult r = rt.delegate(parent, agents.get(random.nextInt(agents.size())),
            random.nextBoolean() ? Optional.empty() : Optional.of(List.of("db:select")), Optional.empty(),
            Optional.empty());
        if (r.decision().decision() == Outcome.PERMIT) {
          active.add(r.id());
          ack.append("G ").append(r.id()).append(";\n");
        }
      } else if (op < 17) {
        String g = active.get(random.nextInt(active.size()));
        Grant grant = rt.grant(g).orElseThrow();
        ActionAnswer a = rt.act(new ActionFact(g, random.nextInt(10) == 0 ? "db:delete" : "db:select",
            grant.resource(), Optional.empty()));
        for (String id : a.revoked()) {
          ack.append("R ").append(id).append(";\n");
        }
        active.removeAll(a.revoked());
      } else if (op < 19) {
        String g = active.get(random.nextInt(active.size()));
        List<String> revoked = rt.revoke(g, null, Optional.empty());
        revoked.forEach(id -> ack.append("R ").append(id).append(";\n"));
        active.removeAll(revoked);
      } else {
        List<String> revoked = rt.offboard(agents.get(random.nextInt(agents.size())), Optional.empty());
        revoked.forEach(id -> ack.append("R ").append(id).append(";\n"));
        active.removeAll(revoked);
        pending.removeAll(revoked);
      }
      var records = store.trail().records();
      if (!records.isEmpty()) {
        var last = records.get(records.size() - 1);
        ack.append("S ").append(last.seq()).append(' ').append(last.hash()).append(";\n");
      }
      out.print(ack);
      out.flush();
    }
  }
}
