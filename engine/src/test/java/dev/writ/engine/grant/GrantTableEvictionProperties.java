package dev.writ.engine.grant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import dev.writ.engine.audit.Answer;
import dev.writ.engine.audit.AuditEvent;
import dev.writ.engine.decision.Outcome;
import dev.writ.engine.decision.PendingApproval;
import dev.writ.engine.request.AccessRequest;
import dev.writ.engine.value.EntityUid;
import dev.writ.engine.value.Value;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * A table that evicts ended grants (and rebuilds them from the trail's records when asked)
 * answers every query exactly as a table that keeps every grant: for random sequences of raw
 * audit events (requests, pending and final decisions, counted and uncounted approvals, issues,
 * revocations, expiries, narrowings, action records), evictions at random durable points, and
 * snapshot/restore round trips of both tables at random points. Each grant id has a fixed
 * parent (lower ids), as the runtime records them, so delegation trees are several levels deep.
 */
class GrantTableEvictionProperties {
  static final int IDS = 10;
  static final List<EntityUid> PEOPLE = List.of(EntityUid.parse("Employee::alice"), EntityUid.parse("Employee::bob"),
      EntityUid.parse("Assistant::bot"), EntityUid.parse("Employee::carol"));
  static final List<String> ACTIONS = List.of("db:select", "db:update", "db:delete");
  static final Instant T0 = Instant.parse("2026-06-15T10:00:00Z");
  static final Map<String, AtomicInteger> STATS = new TreeMap<>();

  static void count(String what) {
    STATS.computeIfAbsent(what, k -> new AtomicInteger()).incrementAndGet();
  }

  @AfterAll
  static void stats() {
    System.out.println("eviction property exercised: " + STATS);
  }

  @Test
  void anEvictingTableAnswersAsOneThatKeepsEverything() {
    qt().withExamples(Integer.getInteger("writ.eviction.examples", 400)).withShrinkCycles(100)
        .forAll(lists().of(integers().between(0, Integer.MAX_VALUE)).ofSizeBetween(1, 120))
        .checkAssert(GrantTableEvictionProperties::run);
  }

  static String id(int i) {
    return String.format("g-%06d", i + 1);
  }

  /** Grant i's parent: a lower id for about half of them, so trees are several levels deep. */
  static String parent(int i) {
    return i > 0 && i % 2 == 1 ? id(i / 2) : i > 2 && i % 3 == 0 ? id(i / 3) : null;
  }

  static void run(List<Integer> ops) {
    List<AuditEvent> log = new ArrayList<>();
    AtomicInteger reads = new AtomicInteger();
    GrantTable.Records records = seqs -> {
      List<AuditEvent> out = new ArrayList<>();
      for (long s : seqs) {
        assertTrue(s >= 1 && s <= log.size(), "record " + s + " asked of a trail of " + log.size());
        out.add(log.get((int) s - 1));
      }
      reads.addAndGet(seqs.length);
      return out;
    };
    GrantTable plain = new GrantTable();
    GrantTable evicting = new GrantTable(records);
    List<String> trace = new ArrayList<>();
    try {
      int step = 0;
      for (int op : ops) {
        step++;
        int kind = op % 16;
        int who = (op / 16) % IDS;
        int x = op / (16 * IDS);
        if (kind == 14) {
          long durable = Math.max(0, log.size() - (x % 4));
          int n = evicting.evict(durable);
          trace.add(step + ": evict up to " + durable + " -> " + n);
          if (n > 0) {
            count("evicted");
          }
        } else if (kind == 15) {
          trace.add(step + ": snapshot and restore");
          plain = GrantTable.restore(plain.snapshot());
          GrantTable.Snapshot s = evicting.snapshot();
          evicting = GrantTable.restore(s, records);
          assertEquals(s.traces(), evicting.snapshot().traces(), "a restored table's traces");
          count("restore");
        } else {
          AuditEvent e = event(kind, who, x, log.size());
          log.add(e);
          trace.add(step + ": " + e.type() + " " + e.header().grant() + " " + e);
          plain.apply(e);
          evicting.apply(e);
        }
        same(plain, evicting);
      }
      if (reads.get() > 0) {
        count("answered from the trail");
      }
    } catch (AssertionError | RuntimeException e) {
      throw new AssertionError(e.getMessage() + "\nafter:\n  " + String.join("\n  ", trace), e);
    }
  }

  static void same(GrantTable plain, GrantTable evicting) {
    assertEquals(List.copyOf(plain.all()), List.copyOf(evicting.all()), "all()");
    assertEquals(plain.nextId(), evicting.nextId(), "nextId()");
    assertEquals(plain.seq(), evicting.seq(), "seq()");
    for (int i = 0; i <= IDS; i++) {
      String id = id(i);
      Optional<Grant> g = plain.get(id);
      assertEquals(g, evicting.get(id), "get(" + id + ")");
      assertEquals(g.isPresent(), evicting.contains(id), "contains(" + id + ")");
      assertEquals(plain.waitingFor(id), evicting.waitingFor(id), "waitingFor(" + id + ")");
      assertEquals(plain.descendants(id), evicting.descendants(id), "descendants(" + id + ")");
      assertEquals(plain.descendants(id).stream().filter(d -> !d.state().isEnded()).toList(),
          evicting.descendantsNotEnded(id), "descendantsNotEnded(" + id + ")");
    }
    for (Grant g : plain.all()) {
      if (!g.state().isEnded()) {
        assertTrue(evicting.retained().contains(g), () -> g.id() + " is not ended and not retained");
      }
    }
    for (EntityUid u : PEOPLE) {
      boolean involved = plain.all().stream().anyMatch(g -> g.principal().equals(u) || g.chain().contains(u));
      assertEquals(involved, evicting.involves(u), "involves(" + u + ")");
      assertEquals(involved, plain.involves(u), "involves(" + u + ") of the plain table");
    }
    // The snapshot of an evicting table holds only what is in memory, plus traces.
    assertEquals(evicting.snapshot().events().size(), GrantTable.restore(evicting.snapshot(), seqs -> {
      throw new AssertionError("a restore reads no record");
    }).snapshot().events().size());
  }

  static AuditEvent event(int kind, int who, int x, int seqBefore) {
    String id = id(who);
    String parent = parent(who);
    EntityUid principal = PEOPLE.get(who % PEOPLE.size());
    List<EntityUid> chain = parent == null ? List.of() : List.of(PEOPLE.get((who / 2) % PEOPLE.size()));
    Instant t = T0.plusSeconds(seqBefore * 60L);
    AuditEvent.Header h = new AuditEvent.Header(t, id, parent, x % 3 == 0 ? "maintenance" : null,
        x % 3 == 0 ? Map.of("ticket", new Value.Str("T-" + (x % 5))) : Map.of(), principal, chain,
        List.of(), List.of("p" + (x % 2)), "rev-" + (x % 2));
    List<String> actions = ACTIONS.subList(0, 1 + x % ACTIONS.size());
    EntityUid resource = EntityUid.parse("Database::db" + (x % 2));
    Instant expires = x % 4 == 0 ? null : t.plusSeconds(3600L * (1 + x % 3));
    return switch (kind) {
      case 0, 1 -> new AuditEvent.Requested(h, actions, resource, Value.RecordV.EMPTY, x % 2 == 0 ? null : 600L,
          List.of());
      case 2 -> new AuditEvent.Decided(h, Outcome.PENDING, null, false, List.of(),
          List.of(new PendingApproval("two-person", PEOPLE.get(x % PEOPLE.size()), 2, 1 + x % 2)), List.of());
      case 3 -> new AuditEvent.Decided(h, Outcome.DENY, null, false, List.of(), List.of(), List.of("no"));
      case 4 -> new AuditEvent.Decided(h, Outcome.PERMIT, 3600L, false, List.of(), List.of(), List.of());
      case 5 -> new AuditEvent.Approved(h, PEOPLE.get(x % PEOPLE.size()), x % 3 != 0);
      case 6, 7, 8 -> new AuditEvent.Granted(h, actions, resource, Value.RecordV.EMPTY, t, x % 2 == 0 ? null : 600L,
          x % 2 == 0 ? List.of() : List.of(new AccessRequest.Approval(PEOPLE.get(3), Optional.of(t))), t, expires);
      case 9, 10 -> new AuditEvent.Revoked(h, x % 2 == 0 ? "manual" : "cascade", x % 3 == 0 ? "INC-1 closed" : null);
      case 11 -> new AuditEvent.Expired(h, t);
      case 12 -> new AuditEvent.Narrowed(h, ACTIONS, expires, ACTIONS.subList(0, 1), t.plusSeconds(60), "manual");
      default -> new AuditEvent.ActionChecked(h, "db:select", resource, Answer.ALLOW, false, List.of());
    };
  }
}
