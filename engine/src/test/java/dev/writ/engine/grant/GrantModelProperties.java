package dev.writ.engine.grant;

import dev.writ.engine.audit.Answer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.lists;

import dev.writ.engine.audit.AuditRecord;
import dev.writ.engine.audit.TrailVerifier;
import dev.writ.engine.decision.Outcome;
import dev.writ.engine.decision.PendingApproval;
import dev.writ.engine.request.AccessRequest;
import dev.writ.engine.request.ActionFact;
import dev.writ.engine.testing.MutableClock;
import dev.writ.engine.value.EntityUid;
import dev.writ.engine.value.Value;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.quicktheories.api.Pair;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

/**
 * Model-based state-machine properties of the governance runtime. Random sequences of requests,
 * approvals, delegations, action facts, narrowings, task ends, revocations, offboardings, clock
 * advances, expiry sweeps and restarts run against a durable store; after every command:
 *
 * <ol type="a">
 *   <li>no grant is active while an ancestor is not, and none stays in force under a revoked ancestor;
 *   <li>no child holds a resource or a task its parent lacks, and no live child an action or a later
 *       expiry (a narrowing of the parent narrows its live descendants with it);
 *   <li>the audit trail on disk verifies, and its head is the store's;
 *   <li>a restart (close, reopen from the same directory) gives exactly the state before it, and
 *       so does each other way the table can be rebuilt: from the snapshot alone (a clean stop
 *       writes one), from a snapshot taken mid-sequence plus the records after it (as a crash
 *       leaves the directory: the store writes one every {@value #SNAPSHOT_EVERY} records), and
 *       from the whole trail with no snapshot.
 * </ol>
 *
 * A small model predicts every lifecycle state (pending, active, expired, revoked with reason,
 * denied), every grant's actions and expiry, every action answer and every revoked/expired/narrowed
 * id list; the runtime must agree with it. A narrowing never widens a grant, and a task end
 * revokes exactly the grants of that task (and their descendants).
 * Decisions on requests come from the policy and are taken as given.
 *
 * <p>Trails live on {@code /dev/shm} when there is one: the properties are about replay, not
 * about fsync latency (the crash test is), and tmpfs makes hundreds of sequences affordable.
 * {@code -Dwrit.model.examples=N} changes the number of sequences (default 300).
 */
class GrantModelProperties {
  static final int EXAMPLES = Integer.getInteger("writ.model.examples", 300);
  /** Small, so that sequences cross several snapshots and restarts replay a tail after one. */
  static final long SNAPSHOT_EVERY = 7;

  static final List<EntityUid> PRINCIPALS = List.of(Gov.ALICE, Gov.BOB, Gov.FRANK, Gov.ERIN, Gov.BOT, Gov.SUB,
      Gov.LEAF, Gov.CI);
  static final List<EntityUid> APPROVERS = List.of(Gov.CAROL, Gov.DAVE, Gov.CAROL, Gov.DAVE, Gov.ALICE, Gov.ERIN,
      Gov.BOB);
  static final List<EntityUid> DELEGATES = List.of(Gov.BOT, Gov.SUB, Gov.LEAF, Gov.BOT, Gov.SUB, Gov.CI, Gov.BOB);
  static final List<EntityUid> RESOURCES = List.of(Gov.ORDERS, Gov.METRICS, Gov.STAGING, Gov.PAYROLL);
  static final List<String> ACTIONS = List.of("db:select", "db:describe", "db:update", "db:delete", "db:insert");
  static final List<Long> DURATIONS = List.of(-1L, 600L, 3600L, 3 * 3600L, 9 * 3600L);
  static final List<Long> NARROW_TO = List.of(-1L, 300L, 1800L, 3 * 3600L, 9 * 3600L);
  static final List<Long> ADVANCES = List.of(60L, 600L, 600L, 1800L, 3600L, 7200L, 7 * 3600L);
  /** What each intent's envelope allows (any Database): see intents.policy. */
  static final Map<String, Set<String>> ENVELOPES = Map.of(
      "investigate_incident", Set.of("db:select", "db:describe"),
      "maintenance", Set.of("db:select", "db:describe", "db:update"));

  static Path base;
  /** What the sequences exercised, printed at the end so that a weak generator shows. */
  static final Map<String, AtomicInteger> STATS = new java.util.TreeMap<>();

  static void count(String what) {
    synchronized (STATS) {
      STATS.computeIfAbsent(what, k -> new AtomicInteger()).incrementAndGet();
    }
  }

  @BeforeAll
  static void base() throws IOException {
    Path shm = Path.of("/dev/shm");
    base = Files.isDirectory(shm) && Files.isWritable(shm)
        ? Files.createTempDirectory(shm, "writ-model-") : Files.createTempDirectory("writ-model-");
  }

  @AfterAll
  static void clean() {
    System.out.println("model-based sequences exercised: " + STATS);
    Gov.deleteTree(base);
  }

  // ---- commands ----------------------------------------------------------------------

  sealed interface Cmd permits Request, Approve, Delegate, Act, Revoke, Offboard, Advance, Restart, ExpireDue, Narrow,
      EndTask {}

  /** @param actions none named, a subset of the grant's, or any mask; @param duration an index in {@code NARROW_TO} */
  record Narrow(int target, int actions, int duration) implements Cmd {}

  /** @param task mostly the task of a grant the model holds, sometimes one no grant serves */
  record EndTask(int task) implements Cmd {}

  /** @param template what kind of request: mostly ones the policy can permit, some it cannot (see {@code request}) */
  record Request(int template, int who, int resource, int actions, int duration) implements Cmd {}

  record Approve(int target, int approver) implements Cmd {}

  /** @param actions none named (all of the parent's), a subset of the parent's, or any mask (see {@code delegate}) */
  record Delegate(int parent, int to, int actions, int duration) implements Cmd {}

  /** @param action mostly one the grant holds; @param resource negative: the grant's own resource */
  record Act(int grant, int action, int resource) implements Cmd {}

  record Revoke(int target) implements Cmd {}

  record Offboard(int principal) implements Cmd {}

  record Advance(int step) implements Cmd {}

  record Restart() implements Cmd {
    @Override
    public String toString() {
      return "Restart";
    }
  }

  record ExpireDue() implements Cmd {
    @Override
    public String toString() {
      return "ExpireDue";
    }
  }

  static Gen<Cmd> commands() {
    Gen<Integer> n = Generate.range(0, 999);
    Gen<Cmd> request = n.zip(n, n, n, n, Request::new);
    Gen<Cmd> approve = n.zip(n, Approve::new);
    Gen<Cmd> delegate = n.zip(n, n, n, Delegate::new);
    Gen<Cmd> act = n.zip(n, Generate.range(-6, 3), Act::new);
    Gen<Cmd> revoke = n.map(Revoke::new);
    Gen<Cmd> offboard = n.map(Offboard::new);
    Gen<Cmd> advance = Generate.range(0, ADVANCES.size() - 1).map(Advance::new);
    Gen<Cmd> narrow = n.zip(n, n, Narrow::new);
    Gen<Cmd> endTask = n.map(EndTask::new);
    return Generate.frequency(List.of(
        Pair.of(7, request), Pair.of(5, approve), Pair.of(6, delegate), Pair.of(8, act), Pair.of(2, revoke),
        Pair.of(1, offboard), Pair.of(4, advance), Pair.of(2, Generate.constant(new Restart())),
        Pair.of(1, Generate.constant(new ExpireDue())), Pair.of(4, narrow), Pair.of(2, endTask)));
  }

  @Test
  void randomSequencesKeepTheInvariants() {
    AtomicInteger runs = new AtomicInteger();
    qt().withExamples(EXAMPLES).withShrinkCycles(200)
        .forAll(lists().of(commands()).ofSizeBetween(20, 60))
        .checkAssert(cmds -> {
          runs.incrementAndGet();
          new Run(cmds).run();
        });
    assertTrue(runs.get() >= EXAMPLES);
  }

  // ---- the model ---------------------------------------------------------------------

  /** What the model knows of one grant or pending request. */
  static final class M {
    final String id;
    final String parent;
    final EntityUid principal;
    final List<EntityUid> chain;
    final String intent;
    final Map<String, Value> params;
    List<String> actions;
    EntityUid resource;
    Instant expires;
    GrantState.Kind kind;
    String reason;

    M(Grant g) {
      id = g.id();
      parent = g.parent();
      principal = g.principal();
      chain = g.chain();
      intent = g.task() == null ? null : g.task().intent();
      params = g.task() == null ? Map.of() : g.task().params();
      actions = g.actions();
      resource = g.resource();
      expires = g.expiresAt();
      kind = g.state().kind();
    }

    boolean activeAt(Instant t) {
      return kind == GrantState.Kind.ACTIVE && (expires == null || t.isBefore(expires));
    }

    boolean due(Instant t) {
      return kind == GrantState.Kind.ACTIVE && expires != null && !t.isBefore(expires);
    }

    boolean ended() {
      return kind != GrantState.Kind.PENDING && kind != GrantState.Kind.ACTIVE;
    }
  }

  /** One sequence against a fresh durable store. */
  static final class Run {
    final List<Cmd> cmds;
    final Path dir;
    final MutableClock clock = new MutableClock(Gov.T0);
    final PolicyContext policy = Gov.context();
    EventSourcedGrantStore store;
    GrantRuntime rt;
    final Map<String, M> model = new LinkedHashMap<>();
    final List<String> ids = new ArrayList<>(); // every id handed out, denied ones too
    final List<String> log = new ArrayList<>();
    int step;

    Run(List<Cmd> cmds) {
      this.cmds = cmds;
      try {
        this.dir = Files.createTempDirectory(base, "seq-");
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    void open() {
      store = EventSourcedGrantStore.open(dir, SNAPSHOT_EVERY);
      rt = new GrantRuntime(store, clock, policy);
    }

    void run() {
      open();
      try {
        for (Cmd c : cmds) {
          step++;
          log.add(step + ": " + c);
          apply(c);
          checkInvariants();
        }
        checkRestart();
        checkTrailOnce();
      } catch (AssertionError e) {
        throw new AssertionError(e.getMessage() + "\nafter:\n  " + String.join("\n  ", log), e);
      } finally {
        store.close();
        Gov.deleteTree(dir);
      }
    }

    Instant now() {
      return clock.instant();
    }

    String pick(int i) {
      return ids.isEmpty() ? "g-000001" : ids.get(Math.floorMod(i, ids.size()));
    }

    /** Mostly one of {@code preferred}, sometimes any grant the model holds, sometimes any id at all. */
    String pick(int i, List<String> preferred) {
      int way = Math.floorMod(i, 6);
      if (way == 0 || model.isEmpty()) {
        return pick(i / 6);
      }
      List<String> from = way == 1 || preferred.isEmpty() ? new ArrayList<>(model.keySet()) : preferred;
      return from.get(Math.floorMod(i / 6, from.size()));
    }

    List<String> withKind(GrantState.Kind kind) {
      return model.values().stream().filter(m -> m.kind == kind && (kind != GrantState.Kind.ACTIVE || m.activeAt(now())))
          .map(m -> m.id).toList();
    }

    static <T> T of(List<T> list, int i) {
      return list.get(Math.floorMod(i, list.size()));
    }

    List<String> mask(int m) {
      List<String> out = new ArrayList<>();
      for (int i = 0; i < ACTIONS.size(); i++) {
        if ((m & (1 << i)) != 0) {
          out.add(ACTIONS.get(i));
        }
      }
      return out;
    }

    int records() {
      return store.audit(r -> true).size();
    }

    void note(String s) {
      log.add("   -> " + s);
    }

    void note(String kind, String s) {
      count(kind);
      note(s);
    }

    // ---- commands against runtime and model --------------------------------------------

    void apply(Cmd c) {
      if (c instanceof Request r) {
        request(r);
      } else if (c instanceof Approve a) {
        approve(a);
      } else if (c instanceof Delegate d) {
        delegate(d);
      } else if (c instanceof Act a) {
        act(a);
      } else if (c instanceof Revoke r) {
        revoke(r);
      } else if (c instanceof Offboard o) {
        offboard(o);
      } else if (c instanceof Advance a) {
        clock.advance(ADVANCES.get(a.step()));
        note("now " + now());
      } else if (c instanceof Restart) {
        checkRestart();
      } else if (c instanceof ExpireDue) {
        expireDue();
      } else if (c instanceof Narrow nw) {
        narrow(nw);
      } else if (c instanceof EndTask e) {
        endTask(e);
      }
    }

    void request(Request r) {
      List<List<String>> reads = List.of(List.of("db:select"), List.of("db:select", "db:describe"),
          List.of("db:describe"));
      List<List<String>> maintenance = List.of(List.of("db:select"), List.of("db:select", "db:update"),
          List.of("db:update"), List.of("db:select", "db:describe", "db:update"));
      EntityUid resource = of(RESOURCES, r.resource());
      EntityUid principal;
      AccessRequest.IntentRef intent;
      List<String> actions;
      int template = Math.floorMod(r.template(), 10);
      if (template <= 3) {          // an SRE investigates
        principal = r.who() % 2 == 0 ? Gov.ALICE : Gov.BOB;
        intent = Gov.incident("INC-" + step);
        actions = of(reads, r.actions());
      } else if (template <= 5) {   // a DBA does maintenance
        principal = Gov.FRANK;
        intent = Gov.maintenance("CHG-" + step);
        actions = of(maintenance, r.actions());
      } else if (template == 6) {   // an agent or a job asks for itself
        principal = r.who() % 2 == 0 ? Gov.BOT : Gov.CI;
        boolean incident = r.who() % 4 < 2;
        intent = incident ? Gov.incident("INC-" + step) : Gov.maintenance("CHG-" + step);
        actions = incident ? of(reads, r.actions()) : of(maintenance, r.actions());
      } else if (template == 7) {   // standing access without a task
        principal = Gov.FRANK;
        intent = null;
        actions = of(reads, r.actions());
      } else if (template == 8) {   // a bad ticket
        principal = Gov.BOB;
        intent = Gov.incident("ticket-" + step);
        actions = of(reads, r.actions());
      } else {                      // anything at all
        principal = of(PRINCIPALS, r.who());
        intent = r.who() % 3 == 0 ? null : r.who() % 3 == 1 ? Gov.incident("INC-" + step) : Gov.maintenance("CHG-1");
        actions = mask(Math.floorMod(r.actions(), 31) + 1);
      }
      long d = of(DURATIONS, r.duration());
      RequestResult res = rt.request(Gov.request(principal, actions, resource, intent, d < 0 ? null : d));
      note("request " + res.decision().decision(),
          res.id() + " " + res.decision().decision() + " " + res.decision().ttlSeconds().orElse(null));
      ids.add(res.id());
      Optional<Grant> stored = rt.grant(res.id());
      switch (res.decision().decision()) {
        case PERMIT -> {
          Grant g = stored.orElseThrow(() -> new AssertionError("permitted but not stored"));
          assertEquals(GrantState.Kind.ACTIVE, g.state().kind());
          assertEquals(now(), g.issuedAt());
          assertEquals(res.decision().ttlSeconds().map(now()::plusSeconds).orElse(null), g.expiresAt());
          if (d > 0 && g.expiresAt() != null) {
            assertFalse(g.expiresAt().isAfter(now().plusSeconds(d)), "longer than requested");
          }
          model.put(g.id(), new M(g));
        }
        case PENDING -> {
          Grant g = stored.orElseThrow(() -> new AssertionError("pending but not stored"));
          assertEquals(GrantState.Kind.PENDING, g.state().kind());
          model.put(g.id(), new M(g));
        }
        case DENY -> assertTrue(stored.isEmpty(), "a denied request is stored");
      }
    }

    void approve(Approve a) {
      String id = pick(a.target(), withKind(GrantState.Kind.PENDING));
      EntityUid by = of(APPROVERS, a.approver());
      M m = model.get(id);
      int before = records();
      try {
        RequestResult res = rt.approve(id, by, Optional.empty());
        note("approve " + res.decision().decision(), id + " by " + by + ": " + res.decision().decision());
        assertNotNull(m, "approved an id the model does not hold");
        assertEquals(GrantState.Kind.PENDING, m.kind, "approved something not pending");
        assertEquals(id, res.id(), "a pending request keeps its id");
        switch (res.decision().decision()) {
          case PERMIT -> {
            Grant g = res.grant().orElseThrow();
            assertEquals(now(), g.issuedAt(), "issued at approval time");
            assertEquals(res.decision().ttlSeconds().map(now()::plusSeconds).orElse(null), g.expiresAt());
            m.kind = GrantState.Kind.ACTIVE;
            m.expires = g.expiresAt();
            m.actions = g.actions();
          }
          case PENDING -> { }
          case DENY -> m.kind = GrantState.Kind.DENIED;
        }
      } catch (GrantException e) {
        note("approve " + e.kind(), id + " by " + by + ": " + e.kind());
        assertEquals(before, records(), "a refused approval wrote to the trail");
        if (m == null) {
          assertEquals(GrantException.Kind.NOT_FOUND, e.kind(), e::getMessage);
        } else {
          assertEquals(GrantException.Kind.CONFLICT, e.kind(), e::getMessage);
          assertTrue(m.kind != GrantState.Kind.PENDING, "refused to approve a pending request: " + e.getMessage());
        }
      }
    }

    void delegate(Delegate d) {
      List<String> active = new ArrayList<>(withKind(GrantState.Kind.ACTIVE));
      active.addAll(active.stream().filter(a -> model.get(a).parent != null).toList()); // deeper chains more often
      String id = pick(d.parent(), active);
      EntityUid to = of(DELEGATES, d.to());
      M parent = model.get(id);
      List<String> wanted = new ArrayList<>();
      int way = Math.floorMod(d.actions(), 4);
      if (way == 1 || parent == null) {
        wanted = mask(Math.floorMod(d.actions() / 4, 32));          // anything, maybe what the parent lacks
      } else if (way >= 2) {
        for (int i = 0; i < parent.actions.size(); i++) {             // a subset of the parent's
          if (((d.actions() / 4) & (1 << i)) != 0) {
            wanted.add(parent.actions.get(i));
          }
        }
      }
      long duration = of(DURATIONS, d.duration() / 7);
      int before = records();
      try {
        RequestResult res = rt.delegate(id, to, wanted.isEmpty() ? Optional.empty() : Optional.of(wanted),
            duration < 0 ? Optional.empty() : Optional.of(duration), Optional.empty());
        note("delegate " + res.decision().decision() + (res.decision().decision() == Outcome.PERMIT
            ? " depth " + rt.grant(res.id()).orElseThrow().chain().size() : ""),
            id + " -> " + to + " " + wanted + ": " + res.id() + " " + res.decision().decision());
        assertNotNull(parent, "delegated from an id the model does not hold");
        observeExpiry(parent);
        ids.add(res.id());
        boolean mayPass = parent.activeAt(now()) && parent.actions.containsAll(wanted);
        if (res.decision().decision() == Outcome.PERMIT) {
          assertTrue(mayPass, "delegation permitted from " + parent.kind + " parent, or beyond its actions");
          Grant child = rt.grant(res.id()).orElseThrow();
          assertEquals(id, child.parent());
          assertEquals(now(), child.issuedAt());
          assertEquals(wanted.isEmpty() ? parent.actions : wanted, child.actions());
          model.put(child.id(), new M(child));
        } else {
          assertEquals(Outcome.DENY, res.decision().decision(), "a delegation is never pending");
          assertTrue(rt.grant(res.id()).isEmpty());
        }
      } catch (GrantException e) {
        note("delegate " + e.kind(), id + " -> " + to + ": " + e.kind());
        assertEquals(before, records(), "a refused delegation wrote to the trail");
        assertEquals(GrantException.Kind.NOT_FOUND, e.kind(), e::getMessage);
        assertTrue(parent == null, "refused to delegate a known grant: " + e.getMessage());
      }
    }

    void act(Act a) {
      String id = pick(a.grant(), withKind(GrantState.Kind.ACTIVE));
      M m = model.get(id);
      String action = m != null && a.action() % 5 < 3 ? of(m.actions, a.action() / 5) : of(ACTIONS, a.action());
      EntityUid resource = a.resource() < 0 && m != null ? m.resource
          : RESOURCES.get(Math.floorMod(a.resource(), RESOURCES.size()));
      int before = records();
      ActionAnswer answer = rt.act(new ActionFact(id, action, resource, Optional.empty()));
      note("act " + answer.answer().json() + (answer.drift() ? " drift" : ""),
          id + " " + action + " on " + resource + ": " + answer.answer() + (answer.drift() ? " (drift)" : ""));
      if (m == null) {
        assertEquals(Answer.DENY, answer.answer());
        assertEquals(before, records(), "an action on an unknown grant wrote to the trail");
        return;
      }
      observeExpiry(m);
      Answer expected;
      boolean drift = false;
      if (!m.activeAt(now())) {
        expected = Answer.DENY;
      } else if (m.intent != null && !ENVELOPES.get(m.intent).contains(action)) {
        drift = true;
        expected = m.intent.equals("investigate_incident") ? Answer.REVOKE : Answer.DENY;
      } else if (!m.actions.contains(action) || !m.resource.equals(resource)) {
        expected = Answer.DENY;
      } else if (action.equals("db:update") && now().atZone(ZoneOffset.UTC).getHour() >= 22) {
        expected = Answer.DENY; // no_updates_after_hours
      } else {
        expected = Answer.ALLOW;
      }
      assertEquals(expected, answer.answer(), () -> "answer to " + action + " under " + m.kind + " " + id);
      assertEquals(drift, answer.drift());
      if (expected.equals(Answer.REVOKE)) {
        assertEquals(endTree(m, "drift"), answer.revoked());
      } else {
        assertEquals(List.of(), answer.revoked());
      }
    }

    void revoke(Revoke r) {
      String id = pick(r.target(), withKind(GrantState.Kind.ACTIVE));
      M m = model.get(id);
      int before = records();
      try {
        List<String> revoked = rt.revoke(id, null, Optional.empty());
        note(revoked.size() > 1 ? "revoke cascade" : "revoke " + revoked.size(), id + ": " + revoked);
        assertNotNull(m, "revoked an id the model does not hold");
        assertEquals(endTree(m, "manual"), revoked);
      } catch (GrantException e) {
        note(id + ": " + e.kind());
        assertEquals(before, records());
        assertEquals(GrantException.Kind.NOT_FOUND, e.kind());
        assertTrue(m == null, "refused to revoke a known grant");
      }
    }

    void narrow(Narrow nw) {
      List<String> active = new ArrayList<>(withKind(GrantState.Kind.ACTIVE));
      Set<String> sponsors = new HashSet<>();
      model.values().forEach(x -> sponsors.add(x.parent));
      active.addAll(active.stream().filter(sponsors::contains).toList()); // sponsors more often: cascades
      active.addAll(active.stream().filter(sponsors::contains).toList());
      String id = pick(nw.target(), active);
      M m = model.get(id);
      List<String> wanted = new ArrayList<>();
      int way = Math.floorMod(nw.actions(), 4);
      if (way == 1 || m == null) {
        wanted = mask(Math.floorMod(nw.actions() / 4, 32));        // anything, maybe more than it holds
      } else if (way >= 2) {
        for (int i = 0; i < m.actions.size(); i++) {                // a subset of its own
          if (((nw.actions() / 4) & (1 << i)) != 0) {
            wanted.add(m.actions.get(i));
          }
        }
      }
      long d = of(NARROW_TO, nw.duration());
      Optional<Long> duration = d < 0 ? Optional.empty() : Optional.of(d);
      Map<String, List<String>> actionsBefore = new HashMap<>();
      Map<String, Instant> expiresBefore = new HashMap<>();
      model.values().forEach(x -> {
        actionsBefore.put(x.id, x.actions);
        expiresBefore.put(x.id, x.expires);
      });
      int before = records();
      try {
        NarrowingResult r = rt.narrow(id, wanted.isEmpty() ? Optional.empty() : Optional.of(wanted), duration, null,
            Optional.empty());
        note(r.narrowed().isEmpty() && r.revoked().isEmpty() ? "narrow alone" : "narrow cascade",
            id + " to " + wanted + " " + duration.orElse(null) + ": narrowed " + r.narrowed() + ", revoked " + r.revoked());
        assertNotNull(m, "narrowed an id the model does not hold");
        assertTrue(m.activeAt(now()), "narrowed a grant that is not active");
        assertFalse(wanted.isEmpty() && duration.isEmpty(), "an empty narrowing was accepted");
        assertTrue(m.actions.containsAll(wanted), "a narrowing added actions");
        Instant expires = duration.map(now()::plusSeconds).orElse(m.expires);
        assertFalse(m.expires != null && expires.isAfter(m.expires), "a narrowing extended the grant");
        m.actions = wanted.isEmpty() ? m.actions : m.actions.stream().filter(wanted::contains).toList();
        m.expires = expires;
        List<String> narrowed = new ArrayList<>();
        List<String> revoked = new ArrayList<>();
        Map<String, M> after = new HashMap<>(Map.of(id, m));
        List<M> todo = new ArrayList<>(List.of(m));
        for (int i = 0; i < todo.size(); i++) {
          M x = todo.get(i);
          for (M c : model.values()) {
            if (x.id.equals(c.parent)) {
              todo.add(c);
            }
          }
          if (i == 0 || x.ended() || observeExpiry(x)) {
            continue;
          }
          M parent = after.get(x.parent);
          List<String> kept = parent == null ? List.of() : x.actions.stream().filter(parent.actions::contains).toList();
          if (kept.isEmpty()) {
            x.kind = GrantState.Kind.REVOKED;
            x.reason = "cascade";
            revoked.add(x.id);
            continue;
          }
          Instant capped = parent.expires == null || (x.expires != null && !x.expires.isAfter(parent.expires))
              ? x.expires : parent.expires;
          if (!kept.equals(x.actions) || !java.util.Objects.equals(capped, x.expires)) {
            narrowed.add(x.id);
          }
          x.actions = kept;
          x.expires = capped;
          after.put(x.id, x);
        }
        assertEquals(narrowed, r.narrowed(), "narrowed descendants");
        assertEquals(revoked, r.revoked(), "descendants revoked for keeping no action");
        assertEquals(m.actions, r.grant().actions());
        assertEquals(m.expires, r.grant().expiresAt());
      } catch (GrantException e) {
        note("narrow " + e.kind(), id + " to " + wanted + " " + duration.orElse(null) + ": " + e.getMessage());
        assertEquals(before, records(), "a refused narrowing wrote to the trail");
        if (wanted.isEmpty() && duration.isEmpty()) {
          assertEquals(GrantException.Kind.BAD_REQUEST, e.kind(), e::getMessage);
        } else if (m == null) {
          assertEquals(GrantException.Kind.NOT_FOUND, e.kind(), e::getMessage);
        } else if (!m.activeAt(now())) {
          assertEquals(GrantException.Kind.CONFLICT, e.kind(), e::getMessage);
        } else {
          assertEquals(GrantException.Kind.BAD_REQUEST, e.kind(), e::getMessage);
          boolean widens = !m.actions.containsAll(wanted)
              || (m.expires != null && duration.isPresent() && now().plusSeconds(duration.get()).isAfter(m.expires));
          assertTrue(widens || (wanted.isEmpty() && duration.isEmpty()), "refused a narrowing: " + e.getMessage());
        }
      }
      // Never wider: every grant holds at most what it held, until no later than it did.
      for (M x : model.values()) {
        assertTrue(actionsBefore.get(x.id).containsAll(x.actions), () -> x.id + " was widened");
        Instant was = expiresBefore.get(x.id);
        assertFalse(was != null && (x.expires == null || x.expires.isAfter(was)), () -> x.id + " was extended");
      }
    }

    void endTask(EndTask e) {
      List<M> withTask = model.values().stream().filter(x -> x.intent != null).toList();
      String intent;
      Map<String, Value> params;
      if (withTask.isEmpty() || Math.floorMod(e.task(), 5) == 0) {
        intent = "investigate_incident";
        params = Map.of("ticket", new Value.Str("INC-none"));
      } else {
        M x = of(withTask, e.task() / 5);
        intent = x.intent;
        params = x.params;
      }
      List<String> revoked = rt.endTask(intent, params, "closed", Optional.empty());
      note(revoked.isEmpty() ? "endTask nothing" : "endTask some", intent + " " + params + ": " + revoked);
      List<String> expected = new ArrayList<>();
      for (M m : model.values()) {
        if (!intent.equals(m.intent) || !m.params.equals(params) || m.ended()) {
          continue;
        }
        List<M> todo = new ArrayList<>(List.of(m));
        for (int i = 0; i < todo.size(); i++) {
          M x = todo.get(i);
          for (M c : model.values()) {
            if (x.id.equals(c.parent)) {
              todo.add(c);
            }
          }
          if (!x.ended() && !observeExpiry(x)) {
            x.kind = GrantState.Kind.REVOKED;
            x.reason = i == 0 ? GrantRuntime.TASK_ENDED : "cascade";
            expected.add(x.id);
          }
        }
      }
      assertEquals(expected, revoked, "a task end revokes exactly the grants of that task");
      for (M m : model.values()) {
        if (intent.equals(m.intent) && m.params.equals(params)) {
          assertTrue(m.ended(), m.id + " of the ended task is still live");
        }
      }
    }

    void offboard(Offboard o) {
      EntityUid p = of(PRINCIPALS, o.principal());
      List<String> revoked = rt.offboard(p, Optional.empty());
      note(revoked.isEmpty() ? "offboard nothing" : "offboard some", p + ": " + revoked);
      List<String> expected = new ArrayList<>();
      for (M m : model.values()) {
        if ((m.principal.equals(p) || m.chain.contains(p)) && !m.ended()) {
          if (!observeExpiry(m)) {
            m.kind = GrantState.Kind.REVOKED;
            m.reason = "offboarded";
            expected.add(m.id);
          }
        }
      }
      assertEquals(expected, revoked);
      for (Grant g : rt.grants(Optional.empty(), false)) {
        if (g.principal().equals(p) || g.chain().contains(p)) {
          assertFalse(g.activeAt(now()) || g.isPending(), g.id() + " survived offboarding " + p);
        }
      }
    }

    void expireDue() {
      List<String> expired = rt.expireDue(Optional.empty());
      note(expired.isEmpty() ? "expireDue nothing" : "expireDue some", expired.toString());
      List<String> expected = new ArrayList<>();
      for (M m : model.values()) {
        if (observeExpiry(m)) {
          expected.add(m.id);
        }
      }
      assertEquals(expected, expired);
    }

    /** The model's side of the runtime recording an expiry when it first observes one. */
    boolean observeExpiry(M m) {
      if (m.due(now())) {
        m.kind = GrantState.Kind.EXPIRED;
        return true;
      }
      return false;
    }

    /** Ends a grant and its descendants, parents first; returns the ids revoked (not expired). */
    List<String> endTree(M root, String reason) {
      List<String> revoked = new ArrayList<>();
      List<M> todo = new ArrayList<>(List.of(root));
      for (int i = 0; i < todo.size(); i++) {
        M m = todo.get(i);
        if (!m.ended() && !observeExpiry(m)) {
          m.kind = GrantState.Kind.REVOKED;
          m.reason = i == 0 ? reason : "cascade";
          revoked.add(m.id);
        }
        for (M c : model.values()) {
          if (m.id.equals(c.parent)) {
            todo.add(c);
          }
        }
      }
      return revoked;
    }

    // ---- invariants ------------------------------------------------------------------

    void checkInvariants() {
      Instant t = now();
      Map<String, Grant> all = new HashMap<>();
      rt.grants(Optional.empty(), false).forEach(g -> all.put(g.id(), g));
      assertEquals(model.keySet(), all.keySet(), "the runtime holds other grants than the model");
      for (Grant g : all.values()) {
        M m = model.get(g.id());
        assertEquals(m.kind, g.state().kind(), () -> "state of " + g.id());
        assertEquals(m.actions, g.actions(), () -> "actions of " + g.id());
        if (g.issuedAt() != null) {
          assertEquals(m.expires, g.expiresAt(), () -> "expiry of " + g.id());
        }
        if (g.state() instanceof GrantState.Revoked rv) {
          assertEquals(m.reason, rv.reason(), () -> "revocation reason of " + g.id());
        }
        if (g.parent() == null) {
          assertTrue(g.chain().isEmpty());
          continue;
        }
        Grant p = all.get(g.parent());
        assertNotNull(p, () -> g.id() + " has no parent " + g.parent());
        // (b) attenuation (of live grants: a narrowing of the parent leaves an ended child as it ended)
        boolean live = !g.state().isEnded();
        assertTrue(!live || p.actions().containsAll(g.actions()), () -> g.id() + " holds actions its parent lacks");
        assertEquals(p.resource(), g.resource());
        assertEquals(p.task(), g.task());
        List<EntityUid> chain = new ArrayList<>(p.chain());
        chain.add(p.principal());
        assertEquals(chain, g.chain());
        if (live && p.expiresAt() != null) {
          assertNotNull(g.expiresAt(), () -> g.id() + " is standing under a bounded parent");
          assertFalse(g.expiresAt().isAfter(p.expiresAt()), () -> g.id() + " outlives its parent");
        }
        // (a) no child in force while an ancestor is not
        for (Grant a = p; a != null; a = a.parent() == null ? null : all.get(a.parent())) {
          Grant anc = a;
          if (g.activeAt(t)) {
            assertTrue(anc.activeAt(t), () -> g.id() + " is active under " + anc.state() + " ancestor " + anc.id());
          }
          if (anc.state().kind() == GrantState.Kind.REVOKED) {
            assertTrue(g.state().isEnded(), () -> g.id() + " is " + g.state() + " under revoked " + anc.id());
          }
        }
      }
      // (c) the trail on disk verifies and ends where the store does
      try {
        TrailVerifier.Result r = TrailVerifier.verify(dir.resolve("audit.jsonl"));
        assertTrue(r.ok(), r::problem);
        assertEquals(store.head(), r.headHash());
      } catch (IOException e) {
        if (records() > 0) {
          throw new UncheckedIOException(e);
        }
      }
    }

    record Snapshot(List<Grant> grants, Map<String, List<PendingApproval>> waiting, String nextId, String head,
                    List<String> hashes) {}

    Snapshot snapshot() {
      return snapshot(store);
    }

    static Snapshot snapshot(EventSourcedGrantStore store) {
      return store.read(t -> {
        Map<String, List<PendingApproval>> waiting = new LinkedHashMap<>();
        t.all().forEach(g -> waiting.put(g.id(), t.waitingFor(g.id())));
        return new Snapshot(List.copyOf(t.all()), waiting, t.nextId(), store.head(),
            store.audit(r -> true).stream().map(AuditRecord::hash).toList());
      });
    }

    /** (d) */
    void checkRestart() {
      Snapshot before = snapshot();
      count(before.grants().isEmpty() ? "restart empty" : "restart");
      long records = before.hashes().size();
      // The directory as a crash would leave it now (the trail, and the snapshot last written in
      // the background, if any), and the trail alone, copied while the store is open.
      Path crashed = copy(true);
      Path trailOnly = copy(false);
      store.close();
      open();
      same(before, snapshot(), "a restart");
      assertEquals(records, store.snapshotSeq(), "a clean stop writes a snapshot that the restart reads");
      try (EventSourcedGrantStore s = EventSourcedGrantStore.open(crashed, Long.MAX_VALUE)) {
        same(before, snapshot(s), "a restart after a crash");
        if (s.snapshotSeq() > 0 && s.snapshotSeq() < records) {
          count("restart from a snapshot and a tail");
        }
        assertTrue(s.notes().isEmpty(), () -> s.notes().toString());
      } finally {
        Gov.deleteTree(crashed);
      }
      try (EventSourcedGrantStore s = EventSourcedGrantStore.open(trailOnly, Long.MAX_VALUE)) {
        assertEquals(0, s.snapshotSeq(), "no snapshot: the whole trail is replayed");
        same(before, snapshot(s), "a full replay");
      } finally {
        Gov.deleteTree(trailOnly);
      }
    }

    static void same(Snapshot before, Snapshot after, String what) {
      assertEquals(before.grants(), after.grants(), "grants after " + what);
      assertEquals(before.waiting(), after.waiting(), "pending approvals after " + what);
      assertEquals(before.nextId(), after.nextId(), "id numbering after " + what);
      assertEquals(before.head(), after.head(), "head after " + what);
      assertEquals(before.hashes(), after.hashes(), "trail after " + what);
    }

    /** A copy of the trail, and of the snapshot when {@code withSnapshot}, in a new directory. */
    Path copy(boolean withSnapshot) {
      try {
        Path to = Files.createTempDirectory(base, "copy-");
        Files.copy(dir.resolve("audit.jsonl"), to.resolve("audit.jsonl"));
        Path snap = dir.resolve("grants.snapshot");
        if (withSnapshot && Files.exists(snap)) {
          Files.copy(snap, to.resolve("grants.snapshot"));
        }
        return to;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    /** Once per sequence: each grant expires at most once and is never both expired and revoked. */
    void checkTrailOnce() {
      Map<String, Integer> ends = new HashMap<>();
      Set<String> expiredIds = new HashSet<>();
      for (AuditRecord r : store.audit(r -> true)) {
        String e = r.json().path("event").asText();
        if (e.equals("expired") || e.equals("revoked")) {
          ends.merge(r.grant(), 1, Integer::sum);
          if (e.equals("expired")) {
            expiredIds.add(r.grant());
          }
        }
      }
      ends.forEach((id, n) -> {
        if (n > 1) {
          fail(id + " ended " + n + " times");
        }
      });
      for (String id : expiredIds) {
        assertEquals(GrantState.Kind.EXPIRED, model.get(id).kind);
      }
    }
  }
}
