package dev.writ.engine.grant;

import dev.writ.engine.audit.AuditEvent;
import dev.writ.engine.decision.Outcome;
import dev.writ.engine.decision.PendingApproval;
import dev.writ.engine.request.AccessRequest;
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
 */
public final class GrantTable {
  private final Map<String, Grant> grants = new LinkedHashMap<>();
  private final Map<String, List<String>> children = new HashMap<>();
  private final Map<String, AuditEvent.Requested> requests = new HashMap<>();
  private final Map<String, List<PendingApproval>> waitingFor = new HashMap<>();
  private long lastId;

  public Optional<Grant> get(String id) {
    return Optional.ofNullable(grants.get(id));
  }

  public Collection<Grant> all() {
    return grants.values();
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
      Grant g = grants.get(todo.get(i));
      if (g != null) {
        out.add(g);
        todo.addAll(children.getOrDefault(g.id(), List.of()));
      }
    }
    return out;
  }

  public String nextId() {
    return String.format("g-%06d", lastId + 1);
  }

  public void apply(AuditEvent e) {
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
   * format of its own. Each grant is its issue (or its request and pending decision), then how
   * it ended; grants come in the table's order, which is the order they were first recorded, so
   * delegated grants follow their parents and children keep their order.
   */
  public record Snapshot(List<AuditEvent> events, long lastId) {
    public Snapshot {
      events = List.copyOf(events);
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
    return new Snapshot(out, lastId);
  }

  /** The table a {@link #snapshot()} was taken of. */
  public static GrantTable restore(Snapshot s) {
    GrantTable t = new GrantTable();
    s.events().forEach(t::apply);
    t.lastId = Math.max(t.lastId, s.lastId());
    return t;
  }

  private static AuditEvent.Header header(Grant g, java.time.Instant t) {
    return new AuditEvent.Header(t, g.id(), g.parent(), g.task() == null ? null : g.task().intent(),
        g.task() == null ? Map.of() : g.task().params(), g.principal(), g.chain(), g.approvers(), g.policies(),
        g.revision());
  }

  private static Task task(AuditEvent.Header h) {
    return h.intent() == null ? null : new Task(h.intent(), h.params());
  }

  private void noteId(String id) {
    if (id != null && id.startsWith("g-")) {
      try {
        lastId = Math.max(lastId, Long.parseLong(id.substring(2)));
      } catch (NumberFormatException e) {
        // ids from elsewhere do not affect numbering
      }
    }
  }
}
