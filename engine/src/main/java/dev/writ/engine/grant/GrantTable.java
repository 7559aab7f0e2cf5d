package dev.writ.engine.grant;

import dev.writ.engine.audit.AuditEvent;
import dev.writ.engine.decision.Outcome;
import dev.writ.engine.decision.PendingApproval;
import dev.writ.engine.request.AccessRequest;
import dev.writ.engine.value.EntityUid;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The current grants, built by applying audit events in order. A pure function of the trail:
 * replaying the same events always gives the same table, which is what makes a restart lose
 * nothing. Not thread-safe: {@link GrantStore} guards it.
 *
 * <p>A table given the trail's {@link Records} keeps in memory only the grants that can still
 * change (see {@link #evict}): an ended grant whose descendants are all ended and whose records
 * are durable is dropped from memory, and only the seqs of its records stay (its <em>trace</em>,
 * a few longs). Every query answers as if it were still there: the grant is rebuilt from those
 * records, read from the trail. So memory and snapshots grow with the grants in force, not with
 * every grant ever issued. A table without records (tests, impact replays, the PostgreSQL store)
 * keeps every grant.
 */
public final class GrantTable {
  /** Reads the trail's records by seq: what an evicted grant is rebuilt from. */
  @FunctionalInterface
  public interface Records {
    /**
     * The events of records {@code seqs} (ascending, each durable), in that order.
     *
     * @throws dev.writ.engine.audit.AuditException when the trail cannot be read or is damaged
     */
    List<AuditEvent> read(long[] seqs);
  }

  /** The records that changed one grant: the seq it entered the table at, and every seq, ascending. */
  private static final class Trace {
    long order; // 0 until the grant enters the table
    long[] seqs;
    int size;

    Trace(long order, long[] seqs, int size) {
      this.order = order;
      this.seqs = seqs;
      this.size = size;
    }

    void add(long seq) {
      if (size == seqs.length) {
        seqs = java.util.Arrays.copyOf(seqs, Math.max(4, size * 2));
      }
      seqs[size++] = seq;
    }

    long[] seqs() {
      return size == seqs.length ? seqs : java.util.Arrays.copyOf(seqs, size);
    }

    long last() {
      return size == 0 ? 0 : seqs[size - 1];
    }
  }

  /** A grant no longer in memory: where its records are, and its parent (for the walk up the tree). */
  private record Evicted(long order, long[] seqs, String parent) {}

  private final Records records; // null: every grant stays in memory
  private final Map<String, Grant> grants = new LinkedHashMap<>();
  private final Map<String, List<String>> children = new HashMap<>();
  private final Map<String, AuditEvent.Requested> requests = new HashMap<>();
  private final Map<String, List<PendingApproval>> waitingFor = new HashMap<>();
  private final Map<String, Trace> traces = new HashMap<>();     // grants in memory (and open requests), with records
  private final Map<String, Evicted> evicted = new HashMap<>();  // grants rebuilt from the trail when asked for
  private final java.util.Set<EntityUid> evictedParties = new java.util.HashSet<>(); // principals and chains of those
  private long lastId;
  private long seq; // records applied: the seq of the last one

  /** A table that keeps every grant in memory. */
  public GrantTable() {
    this(null);
  }

  /** A table that may {@link #evict} ended grants and rebuild them from {@code records} (null: keeps all). */
  public GrantTable(Records records) {
    this.records = records;
  }

  public Optional<Grant> get(String id) {
    Grant g = grants.get(id);
    if (g != null) {
      return Optional.of(g);
    }
    Evicted e = evicted.get(id);
    return e == null ? Optional.empty() : Optional.of(rebuild(id, e.seqs(), records.read(e.seqs())));
  }

  /** Whether a grant or pending request has this id (without rebuilding an evicted one). */
  public boolean contains(String id) {
    return grants.containsKey(id) || evicted.containsKey(id);
  }

  /** Every grant, in the order they were first recorded; evicted ones are read back from the trail. */
  public Collection<Grant> all() {
    return evicted.isEmpty() ? grants.values() : listing().read();
  }

  /**
   * Every grant as {@link #all} gives it, in two steps: {@code listing()} takes what the table
   * holds now (cheap: the grants in memory and the traces of evicted ones), and {@link
   * Listing#read} reads the evicted ones back from the trail. A store takes the first under its
   * lock and does the second after releasing it, so that listing a long history does not hold up
   * every change while it reads: an evicted grant's records are durable and never change, so
   * what is read is the grant as it was when the listing was taken.
   */
  public Listing listing() {
    List<Map.Entry<Long, Grant>> held = new ArrayList<>(grants.size());
    if (evicted.isEmpty()) { // the map's order is the order they were recorded: nothing to merge into it
      grants.values().forEach(g -> held.add(Map.entry((long) held.size(), g)));
    } else {
      grants.values().forEach(g -> held.add(Map.entry(order(g.id()), g)));
    }
    List<Map.Entry<String, Evicted>> ended = new ArrayList<>(evicted.entrySet());
    return new Listing(held, ended, records);
  }

  /** What {@link #listing} took: the grants in memory, and the traces of evicted ones. */
  public static final class Listing {
    private final List<Map.Entry<Long, Grant>> held;
    private final List<Map.Entry<String, Evicted>> evicted;
    private final Records records;

    private Listing(List<Map.Entry<Long, Grant>> held, List<Map.Entry<String, Evicted>> evicted, Records records) {
      this.held = held;
      this.evicted = evicted;
      this.records = records;
    }

    /** Every grant, in the order they were first recorded, the evicted ones read back from the trail. */
    public List<Grant> read() {
      if (evicted.isEmpty()) {
        return held.stream().map(Map.Entry::getValue).toList();
      }
      long[] seqs = evicted.stream().flatMapToLong(e -> java.util.Arrays.stream(e.getValue().seqs())).sorted().toArray();
      List<AuditEvent> events = records.read(seqs);
      Map<String, List<AuditEvent>> byGrant = new HashMap<>();
      for (AuditEvent e : events) {
        byGrant.computeIfAbsent(e.header().grant(), k -> new ArrayList<>()).add(e);
      }
      List<Map.Entry<Long, Grant>> out = new ArrayList<>(held.size() + evicted.size());
      out.addAll(held);
      for (Map.Entry<String, Evicted> e : evicted) {
        out.add(Map.entry(e.getValue().order(), rebuild(e.getKey(), e.getValue().seqs(),
            byGrant.getOrDefault(e.getKey(), List.of()))));
      }
      out.sort(Map.Entry.comparingByKey());
      return out.stream().map(Map.Entry::getValue).toList();
    }
  }

  /**
   * The grants kept in memory, in the order they were first recorded: every grant that is not
   * ended is among them (an evicted grant is ended), so a sweep over live grants needs no more.
   */
  public Collection<Grant> retained() {
    return grants.values();
  }

  /** Whether {@code uid} is the principal of a grant, or in its chain (evicted grants included). */
  public boolean involves(EntityUid uid) {
    return evictedParties.contains(uid)
        || grants.values().stream().anyMatch(g -> g.principal().equals(uid) || g.chain().contains(uid));
  }

  /** The approvals a pending request still waits for, from its latest decision. */
  public List<PendingApproval> waitingFor(String id) {
    return waitingFor.getOrDefault(id, List.of());
  }

  /** Every grant delegated from this one, transitively, parents before children. */
  public List<Grant> descendants(String id) {
    List<Grant> out = new ArrayList<>();
    List<String> todo = new ArrayList<>(children.getOrDefault(id, List.of()));
    for (int i = 0; i < todo.size(); i++) {
      Optional<Grant> g = get(todo.get(i));
      if (g.isPresent()) {
        out.add(g.get());
        todo.addAll(children.getOrDefault(g.get().id(), List.of()));
      }
    }
    return out;
  }

  /**
   * {@link #descendants} that are not ended, in the same order, without reading evicted grants
   * back: an evicted grant and all its descendants are ended (see {@link #evict}).
   */
  public List<Grant> descendantsNotEnded(String id) {
    List<Grant> out = new ArrayList<>();
    List<String> todo = new ArrayList<>(children.getOrDefault(id, List.of()));
    for (int i = 0; i < todo.size(); i++) {
      Grant g = grants.get(todo.get(i));
      if (g != null) {
        if (!g.state().isEnded()) {
          out.add(g);
        }
        todo.addAll(children.getOrDefault(g.id(), List.of()));
      }
    }
    return out;
  }

  /** How many grants are in memory, and how many are evicted (answered from the trail). */
  public long[] sizes() {
    return new long[] {grants.size(), evicted.size()};
  }

  public String nextId() {
    return String.format("g-%06d", lastId + 1);
  }

  /** Applies the next record of the trail (the table counts them: this is record {@code seq() + 1}). */
  public void apply(AuditEvent e) {
    seq++;
    AuditEvent.Header h = e.header();
    if (records == null || !changesState(e)) {
      applyState(e);
      return;
    }
    // An event that changes a grant finds it, and every grant above it, in memory again.
    if (!evicted.isEmpty()) {
      bringBack(h.grant());
      if (e instanceof AuditEvent.Granted && h.parent() != null) {
        bringBack(h.parent());
      }
    }
    boolean had = grants.containsKey(h.grant());
    Trace t = traces.computeIfAbsent(h.grant(), k -> new Trace(0, new long[4], 0));
    applyState(e);
    if (!had && grants.containsKey(h.grant())) {
      t.order = seq; // it entered the table at this record: that is its place in the order
    }
    t.add(seq);
    if (!grants.containsKey(h.grant()) && !requests.containsKey(h.grant())) {
      traces.remove(h.grant()); // a denied request leaves nothing to rebuild
    }
  }

  /** The seq of the last record applied. */
  public long seq() {
    return seq;
  }

  private void applyState(AuditEvent e) {
    AuditEvent.Header h = e.header();
    noteId(h.grant());
    switch (e.type()) {
      case REQUESTED -> requests.put(h.grant(), (AuditEvent.Requested) e);
      case DECIDED -> {
        AuditEvent.Decided d = (AuditEvent.Decided) e;
        Grant existing = grants.get(h.grant());
        // The request is needed only until its first decision: a pending request becomes a Grant
        // value here, a permit is followed by a complete `granted` event, a deny leaves nothing.
        AuditEvent.Requested r = requests.remove(h.grant());
        if (d.decision() == Outcome.PENDING) {
          waitingFor.put(h.grant(), d.pending());
          if (existing == null) {
            if (r != null) {
              grants.put(h.grant(), new Grant(h.grant(), h.parent(), h.principal(), h.chain(), task(h), r.context(),
                  r.actions(), r.resource(), r.header().time(), Optional.ofNullable(r.durationSeconds()), r.approvals(),
                  null, null, h.policies(), h.revision(), new GrantState.Pending()));
            }
          }
        } else if (d.decision() == Outcome.DENY && existing != null && existing.isPending()) {
          grants.put(h.grant(), existing.withState(new GrantState.Denied(h.time())));
          waitingFor.remove(h.grant());
        }
      }
      case APPROVED -> {
        AuditEvent.Approved a = (AuditEvent.Approved) e;
        Grant g = grants.get(h.grant());
        if (g != null && g.isPending() && a.counted()) {
          grants.put(g.id(), g.withApproval(new AccessRequest.Approval(a.by(), Optional.of(h.time()))));
        }
      }
      case GRANTED -> {
        AuditEvent.Granted g = (AuditEvent.Granted) e;
        grants.put(h.grant(), new Grant(h.grant(), h.parent(), h.principal(), h.chain(), task(h), g.context(),
            g.actions(), g.resource(), g.requestedAt(), Optional.ofNullable(g.requestedDuration()), g.approvals(),
            g.issuedAt(), g.expiresAt(), h.policies(), h.revision(), new GrantState.Active()));
        requests.remove(h.grant());
        waitingFor.remove(h.grant());
        if (h.parent() != null) {
          children.computeIfAbsent(h.parent(), k -> new ArrayList<>()).add(h.grant());
        }
      }
      case REVOKED -> {
        Grant g = grants.get(h.grant());
        if (g != null && !g.state().isEnded()) {
          grants.put(g.id(), g.withState(new GrantState.Revoked(h.time(), ((AuditEvent.Revoked) e).reason())));
          requests.remove(g.id());
          waitingFor.remove(g.id());
        }
      }
      case EXPIRED -> {
        Grant g = grants.get(h.grant());
        if (g != null && g.state().kind() == GrantState.Kind.ACTIVE) {
          grants.put(g.id(), g.withState(new GrantState.Expired(((AuditEvent.Expired) e).expiresAt())));
        }
      }
      case NARROWED -> {
        AuditEvent.Narrowed n = (AuditEvent.Narrowed) e;
        Grant g = grants.get(h.grant());
        if (g != null && g.state().kind() == GrantState.Kind.ACTIVE) {
          grants.put(g.id(), g.narrowed(n.actions(), n.expiresAt()));
        }
      }
      default -> { } // delegated, action and drift events record what happened; they change no state
    }
  }

  /**
   * The table as the shortest list of events that rebuilds it ({@link #restore}), and the highest
   * grant number seen (a denied request leaves no grant, but its id is not used again). For a
   * snapshot: the events are written and read with the trail's own codec, so a snapshot needs no
   * format of its own. Each grant in memory is its issue (or its request and pending decision),
   * then how it ended; grants come in the table's order, which is the order they were first
   * recorded, so delegated grants follow their parents and children keep their order. With them:
   * the seq of the last record applied, the trace of every grant (the seqs of its records; for an
   * evicted grant, all that is kept of it), who delegated to whom, and the parties of evicted grants.
   */
  public record Snapshot(List<AuditEvent> events, long lastId, long seq, List<Traced> traces,
                         Map<String, List<String>> children, List<EntityUid> parties) {
    public Snapshot {
      events = List.copyOf(events);
      traces = List.copyOf(traces);
      Map<String, List<String>> c = new LinkedHashMap<>();
      children.forEach((k, v) -> c.put(k, List.copyOf(v)));
      children = java.util.Collections.unmodifiableMap(c);
      parties = List.copyOf(parties);
    }
  }

  /**
   * Where a grant's records are: the seq it entered the table at ({@code order}), the seqs of
   * every record that changed it, and, for an evicted grant, its parent.
   */
  public record Traced(String id, long order, long[] seqs, boolean evicted, String parent) {
    @Override
    public boolean equals(Object o) {
      return o instanceof Traced t && t.id.equals(id) && t.order == order && java.util.Arrays.equals(t.seqs, seqs)
          && t.evicted == evicted && java.util.Objects.equals(t.parent, parent);
    }

    @Override
    public int hashCode() {
      return java.util.Objects.hash(id, order, java.util.Arrays.hashCode(seqs), evicted, parent);
    }

    @Override
    public String toString() {
      return "Traced[" + id + ", order " + order + ", seqs " + java.util.Arrays.toString(seqs)
          + (evicted ? ", evicted" : "") + (parent == null ? "" : ", parent " + parent) + "]";
    }
  }

  public Snapshot snapshot() {
    List<AuditEvent> out = new ArrayList<>();
    for (AuditEvent.Requested r : requests.values()) {
      if (!grants.containsKey(r.header().grant())) {
        out.add(r); // requested, not decided yet (only inside a commit)
      }
    }
    for (Grant g : grants.values()) {
      AuditEvent.Header h = header(g, g.issuedAt() != null ? g.issuedAt() : g.requestedAt());
      if (g.issuedAt() != null) {
        out.add(new AuditEvent.Granted(h, g.actions(), g.resource(), g.context(), g.requestedAt(),
            g.requestedDuration().orElse(null), g.approvals(), g.issuedAt(), g.expiresAt()));
      } else {
        out.add(new AuditEvent.Requested(h, g.actions(), g.resource(), g.context(), g.requestedDuration().orElse(null),
            g.approvals()));
        List<PendingApproval> waiting = waitingFor.getOrDefault(g.id(), List.of());
        out.add(new AuditEvent.Decided(h, Outcome.PENDING, null, false, List.of(), waiting, List.of()));
      }
      if (g.state() instanceof GrantState.Expired x) {
        out.add(new AuditEvent.Expired(header(g, x.at()), x.at()));
      } else if (g.state() instanceof GrantState.Revoked x) {
        out.add(new AuditEvent.Revoked(header(g, x.at()), x.reason()));
      } else if (g.state() instanceof GrantState.Denied x) {
        out.add(new AuditEvent.Decided(header(g, x.at()), Outcome.DENY, null, false, List.of(), List.of(), List.of()));
      }
    }
    List<Traced> traced = new ArrayList<>();
    traces.forEach((id, t) -> traced.add(new Traced(id, t.order, t.seqs(), false, null)));
    evicted.forEach((id, e) -> traced.add(new Traced(id, e.order(), e.seqs(), true, e.parent())));
    traced.sort(java.util.Comparator.comparingLong(Traced::order).thenComparing(Traced::id));
    List<EntityUid> parties = new ArrayList<>(evictedParties);
    parties.sort(java.util.Comparator.comparing(EntityUid::toString));
    return new Snapshot(out, lastId, seq, traced, children, parties);
  }

  /** The table a {@link #snapshot()} was taken of, keeping every grant (a snapshot with evicted grants needs {@link #restore(Snapshot, Records)}). */
  public static GrantTable restore(Snapshot s) {
    return restore(s, null);
  }

  /**
   * The table a {@link #snapshot()} was taken of, which rebuilds evicted grants from {@code
   * records} (null: none may be evicted).
   *
   * @throws IllegalArgumentException when the snapshot does not fit: evicted grants and no
   *     records, or a grant in memory without a trace while records are given
   */
  public static GrantTable restore(Snapshot s, Records records) {
    GrantTable t = new GrantTable(records);
    s.events().forEach(t::applyState);
    t.lastId = Math.max(t.lastId, s.lastId());
    t.seq = s.seq();
    for (Traced x : s.traces()) {
      if (x.evicted()) {
        if (records == null) {
          throw new IllegalArgumentException("the snapshot has evicted grants and there is no trail to read them from");
        }
        t.evicted.put(x.id(), new Evicted(x.order(), x.seqs().clone(), x.parent()));
      } else {
        t.traces.put(x.id(), new Trace(x.order(), x.seqs().clone(), x.seqs().length));
      }
    }
    if (records != null) {
      for (String id : t.grants.keySet()) {
        if (!t.traces.containsKey(id)) {
          throw new IllegalArgumentException("the snapshot has no trace of `" + id + "`");
        }
      }
    }
    t.children.clear();
    s.children().forEach((k, v) -> t.children.put(k, new ArrayList<>(v)));
    t.evictedParties.addAll(s.parties());
    return t;
  }

  /**
   * Drops from memory every grant that can no longer change and whose records are all at or
   * before {@code durable} (so that the trail can read them back): an ended grant with no open
   * request or pending approval whose descendants are all evictable too. Its trace stays, and
   * every query still answers for it (read from the trail). An event that would change an
   * evicted grant, or a grant below it, first brings it back. A table without records evicts nothing.
   *
   * @return how many grants were evicted
   */
  public int evict(long durable) {
    if (records == null) {
      return 0;
    }
    Map<String, Boolean> can = new HashMap<>();
    List<String> out = new ArrayList<>();
    for (Grant g : grants.values()) {
      if (evictable(g.id(), durable, can)) {
        out.add(g.id());
      }
    }
    for (String id : out) {
      Grant g = grants.remove(id);
      Trace t = traces.remove(id);
      evicted.put(id, new Evicted(t.order, t.seqs(), g.parent()));
      evictedParties.add(g.principal());
      evictedParties.addAll(g.chain());
    }
    return out.size();
  }

  private boolean evictable(String id, long durable, Map<String, Boolean> can) {
    Boolean known = can.get(id);
    if (known != null) {
      return known;
    }
    boolean ok;
    Grant g = grants.get(id);
    if (g == null) {
      ok = evicted.containsKey(id); // already evicted: its subtree is ended
    } else {
      Trace t = traces.get(id);
      ok = g.state().isEnded() && t != null && t.last() <= durable && !requests.containsKey(id)
          && !waitingFor.containsKey(id);
      for (String c : children.getOrDefault(id, List.of())) {
        if (!ok) {
          break;
        }
        ok = evictable(c, durable, can);
      }
    }
    can.put(id, ok);
    return ok;
  }

  /** Brings {@code id} and every evicted grant above it back into memory (a change is about to reach them). */
  private void bringBack(String id) {
    boolean changed = false;
    try {
      for (String at = id; at != null; ) {
        Evicted e = evicted.get(at);
        if (e != null) {
          // Read first: should the trail not answer, the grant stays evicted (never lost).
          Grant back = rebuild(at, e.seqs(), records.read(e.seqs()));
          evicted.remove(at);
          grants.put(at, back);
          traces.put(at, new Trace(e.order(), e.seqs().clone(), e.seqs().length));
          changed = true;
        }
        Grant g = grants.get(at);
        at = g == null ? null : g.parent();
      }
    } finally {
      if (changed) {
        // Back in its place: the table's order is the order grants were first recorded.
        List<Grant> sorted = new ArrayList<>(grants.values());
        sorted.sort(java.util.Comparator.comparingLong(g -> order(g.id())));
        grants.clear();
        sorted.forEach(g -> grants.put(g.id(), g));
        // The parties of grants still evicted stay known; those brought back are in memory.
      }
    }
  }

  private long order(String id) {
    Trace t = traces.get(id);
    if (t == null) {
      throw new IllegalStateException("internal invariant violated: `" + id + "` has no trace");
    }
    return t.order;
  }

  /** The grant {@code id} as its own records build it (they change nothing else it holds). */
  private static Grant rebuild(String id, long[] seqs, List<AuditEvent> events) {
    if (events.size() != seqs.length) {
      throw new IllegalStateException("internal invariant violated: " + seqs.length + " records of `" + id
          + "` asked for, " + events.size() + " read");
    }
    GrantTable one = new GrantTable();
    for (int i = 0; i < events.size(); i++) {
      AuditEvent e = events.get(i);
      if (!id.equals(e.header().grant())) {
        throw new IllegalStateException("internal invariant violated: record " + seqs[i] + " is of `"
            + e.header().grant() + "`, not of `" + id + "`");
      }
      one.applyState(e);
    }
    Grant g = one.grants.get(id);
    if (g == null) {
      throw new IllegalStateException("internal invariant violated: the records of `" + id + "` build no grant");
    }
    return g;
  }

  /** Events that can change a grant, a request or a pending approval (the others only record what happened). */
  private static boolean changesState(AuditEvent e) {
    return switch (e.type()) {
      case REQUESTED, DECIDED, APPROVED, GRANTED, REVOKED, EXPIRED, NARROWED -> true;
      default -> false;
    };
  }

  private static AuditEvent.Header header(Grant g, java.time.Instant t) {
    return new AuditEvent.Header(t, g.id(), g.parent(), g.task() == null ? null : g.task().intent(),
        g.task() == null ? Map.of() : g.task().params(), g.principal(), g.chain(), g.approvers(), g.policies(),
        g.revision());
  }

  private static Task task(AuditEvent.Header h) {
    return h.intent() == null ? null : new Task(h.intent(), h.params());
  }

  /**
   * Numbered ids ({@code g-000042}) move the counter; random ones ({@code g-} and base32) and ids
   * from elsewhere do not. Checked by hand rather than by catching {@code NumberFormatException}:
   * every applied event passes here, and most ids are random.
   */
  private void noteId(String id) {
    if (id == null || !id.startsWith("g-") || id.length() == 2 || id.length() > 20) {
      return;
    }
    long n = 0;
    for (int i = 2; i < id.length(); i++) {
      char c = id.charAt(i);
      if (c < '0' || c > '9') {
        return;
      }
      n = n * 10 + (c - '0');
    }
    lastId = Math.max(lastId, n); // at most 18 digits: no overflow
  }
}
