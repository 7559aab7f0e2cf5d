package dev.writ.engine.testing;

import dev.writ.engine.entity.Entity;
import dev.writ.engine.entity.EntityStore;
import dev.writ.engine.entity.MapEntityStore;
import dev.writ.engine.eval.DecideOptions;
import dev.writ.engine.request.AccessRequest;
import dev.writ.engine.testing.SchemaModel.IntentModel;
import dev.writ.engine.testing.SchemaModel.Param;
import dev.writ.engine.testing.SchemaModel.VT;
import dev.writ.engine.value.EntityUid;
import dev.writ.engine.value.Value;
import dev.writ.language.vocab.EntityKind;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Generates access requests against a model and its entities: one to three actions (now and
 * then a group, a wildcard or an undeclared one), intents with valid and invalid parameters,
 * delegation chains of length 0 to 3, approvals by members, non-members, the principal and
 * its chain, contexts with and without fields (and with fields of the wrong type), requested
 * durations and times, and now and then per-request entities.
 */
public final class RequestGen {
  /** A request and the options to decide it with. */
  public record Generated(AccessRequest request, DecideOptions options) {}

  private final Rand r;
  private final SchemaModel m;
  private final List<Entity> entities;
  private final List<EntityUid> principals = new ArrayList<>();
  private final List<EntityUid> resources = new ArrayList<>();
  private final List<EntityUid> everyone = new ArrayList<>();
  private final EntityStore store;

  public RequestGen(Rand r, SchemaModel m, List<Entity> entities) {
    this.r = r;
    this.m = m;
    this.entities = entities;
    this.store = MapEntityStore.of(entities);
    for (Entity e : entities) {
      everyone.add(e.uid());
      SchemaModel.TypeDef t = m.types.get(e.uid().type());
      if (t.kind().isPrincipal()) {
        principals.add(e.uid());
      } else if (t.kind() == EntityKind.RESOURCE) {
        resources.add(e.uid());
      }
    }
  }

  /** Aimed at a rule (most of the time), so that rules apply often; or entirely at random. */
  public Generated next() {
    return !m.rules.isEmpty() && r.chance(0.7) ? aimed(pickRule()) : random();
  }

  private SchemaModel.RuleModel pickRule() {
    List<SchemaModel.RuleModel> grants = m.rules.stream().filter(SchemaModel.RuleModel::grant).toList();
    return !grants.isEmpty() && r.chance(0.8) ? r.pick(grants) : r.pick(m.rules);
  }

  private Generated aimed(SchemaModel.RuleModel rule) {
    Generated base = random();
    AccessRequest b = base.request();
    List<EntityUid> who = matching(rule.principal(), principals);
    EntityUid principal = who.isEmpty() || r.chance(0.05) ? b.principal() : r.pick(who);
    List<EntityUid> what = matching(rule.resource(), resources);
    EntityUid resource = what.isEmpty() || r.chance(0.05) ? b.resource() : r.pick(what);

    Optional<AccessRequest.IntentRef> intent = r.chance(0.7) ? Optional.empty() : b.intent();
    if (rule.intents() != null) {
      String name = r.pick(rule.intents());
      intent = Optional.of(intentRef(m.intents.stream().filter(i -> i.name().equals(name)).findFirst().orElseThrow()));
    }
    List<String> candidates = new ArrayList<>();
    if (rule.actions() == null) {
      candidates.addAll(m.actions.keySet());
    } else {
      rule.actions().forEach(i -> candidates.addAll(m.concrete(i)));
    }
    if (intent.isPresent() && r.chance(0.8)) {
      String name = intent.get().name();
      m.intents.stream().filter(i -> i.name().equals(name)).findFirst().ifPresent(i -> {
        List<String> inside = candidates.stream().filter(a -> i.allows().stream()
            .anyMatch(al -> al.items().stream().anyMatch(item -> m.concrete(item).contains(a)))).toList();
        if (!inside.isEmpty()) {
          candidates.retainAll(inside);
        }
      });
    }
    List<String> fitting = candidates.stream().filter(a -> m.actions.containsKey(a)
        && (m.actions.get(a).isEmpty() || m.actions.get(a).contains(resource.type()))).toList();
    List<String> pool = fitting.isEmpty() || r.chance(0.1) ? candidates : fitting;
    List<String> actions = pool.isEmpty() ? b.actions() : r.some(pool, r.oneOf(1, 1, 1, 1, 2));

    List<EntityUid> chain = b.delegation();
    if (rule.delegateKinds() != null && r.chance(0.6)) {
      List<EntityUid> sponsors = matching(rule.principal(), principals);
      chain = new ArrayList<>();
      int n = r.between(1, rule.delegateDepth());
      for (int i = 0; i < n && !sponsors.isEmpty(); i++) {
        chain.add(r.pick(sponsors));
      }
    } else if (rule.delegateKinds() == null && r.chance(0.9)) {
      chain = List.of();
    }
    List<AccessRequest.Approval> approvals = b.approvals();
    if (!rule.approvalsFrom().isEmpty() && r.chance(0.45)) {
      approvals = new ArrayList<>();
      for (String[] from : rule.approvalsFrom()) {
        EntityUid group = new EntityUid(from[0], from[1]);
        List<EntityUid> members = everyone.stream().filter(u -> store.ancestorsOrSelf(u).contains(group)).toList();
        int n = r.between(1, 3);
        for (int i = 0; i < n && !members.isEmpty(); i++) {
          approvals.add(new AccessRequest.Approval(r.pick(members), Optional.empty()));
        }
      }
      if (r.chance(0.1)) {
        approvals.add(new AccessRequest.Approval(principal, Optional.empty()));
      }
    }
    Optional<Long> duration = b.durationSeconds();
    AccessRequest request = new AccessRequest(principal, actions, resource, intent, duration, chain, approvals,
        b.context(), b.time(), b.entities());
    return new Generated(request, base.options());
  }

  /** Entities that one of the alternatives selects (all candidates when the clause is absent). */
  private List<EntityUid> matching(List<SchemaModel.Alt> alts, List<EntityUid> candidates) {
    if (alts == null) {
      return candidates;
    }
    List<EntityUid> pool = r.chance(0.1) ? everyone : candidates;
    return pool.stream().filter(u -> alts.stream().anyMatch(a -> selects(a, u))).toList();
  }

  private boolean selects(SchemaModel.Alt a, EntityUid u) {
    Entity e = store.get(u);
    boolean target;
    if (a.kind() != null) {
      target = a.kind().equals("any") || (e != null && e.kind() != null && e.kind().keyword().equals(a.kind()));
    } else {
      target = u.type().equals(a.type()) && (a.id() == null || u.id().equals(a.id()));
    }
    return target && (a.inType() == null || store.ancestorsOrSelf(u).contains(new EntityUid(a.inType(), a.inId())));
  }

  private Generated random() {
    List<Entity> overlay = new ArrayList<>();
    EntityUid principal = principal();
    if (r.chance(0.04)) {
      // a principal that only this request's entities know
      principal = new EntityUid(r.oneOf("Employee", "Assistant"), "visitor");
      SchemaModel.TypeDef t = m.types.get(principal.type());
      Map<String, Value> attrs = new LinkedHashMap<>();
      for (SchemaModel.Attr a : t.attrs().values()) {
        if (!a.optional()) {
          attrs.put(a.name(), valueOf(a.name(), a.type()));
        }
      }
      overlay.add(new Entity(principal, m.strict ? t.kind() : r.oneOf(t.kind(), null), attrs,
          Set.of(new EntityUid("Team", r.pick(m.types.get("Team").ids()))), overlayTags(t)));
    } else if (r.chance(0.04) && store.get(principal) != null && kindOf(principal).isPrincipal()) {
      // the request's entities are merged over a stored one: other attribute values, more parents
      // (a principal, which nothing can be a member of, so that no cycle arises)
      Entity old = store.get(principal);
      Map<String, Value> attrs = new LinkedHashMap<>(old.attributes());
      if (attrs.containsKey("level")) {
        attrs.put("level", new Value.Int(r.between(0, 5)));
      }
      attrs.remove(r.pick(List.of("mfa", "tags", "dept", "manager")));
      SchemaModel.TypeDef t = m.types.get(principal.type());
      overlay.add(new Entity(principal, old.kind(), attrs, t.memberOf().contains("Team")
          ? Set.of(new EntityUid("Team", r.pick(m.types.get("Team").ids()))) : Set.of(), overlayTags(t)));
    }
    EntityUid resource = resource();
    List<String> actions = actions(resource);
    Optional<AccessRequest.IntentRef> intent = intent();
    Optional<Long> duration = r.chance(0.3) ? Optional.of(r.oneOf(900L, 1800L, 3600L, 7200L, 18000L, 86400L))
        : Optional.empty();
    List<EntityUid> chain = chain();
    List<AccessRequest.Approval> approvals = approvals(principal, chain);
    Value.RecordV context = context();
    Optional<Instant> time = r.chance(0.7)
        ? Optional.of(EntityGen.NOW.plusSeconds(3600L * r.between(-60, 60) + 60L * r.between(0, 59)))
        : Optional.empty();
    AccessRequest request = new AccessRequest(principal, actions, resource, intent, duration, chain, approvals,
        context, time, overlay);
    DecideOptions options = DecideOptions.at(EntityGen.NOW);
    if (r.chance(0.1)) {
      options = options.withDelegatorRemaining(r.oneOf(600L, 3600L, 7200L));
    }
    if (r.chance(0.2)) {
      options = options.explaining(); // an explanation must not change the decision
    }
    return new Generated(request, options);
  }

  private EntityUid principal() {
    double x = r.nextInt(100);
    if (x < 90 && !principals.isEmpty()) {
      return r.pick(principals);
    }
    if (x < 97 && !everyone.isEmpty()) {
      return r.pick(everyone); // a group or a resource acting: odd, but decided by policy
    }
    return new EntityUid("Employee", "nobody"); // unknown: a bad request
  }

  private EntityUid resource() {
    double x = r.nextInt(100);
    if (x < 95 && !resources.isEmpty()) {
      return r.pick(resources);
    }
    if (x < 98 && !everyone.isEmpty()) {
      return r.pick(everyone);
    }
    return new EntityUid("Database", "nowhere");
  }

  private List<String> actions(EntityUid resource) {
    List<String> fitting = new ArrayList<>();
    m.actions.forEach((a, on) -> {
      if (on.isEmpty() || on.contains(resource.type())) {
        fitting.add(a);
      }
    });
    List<String> pool = fitting.isEmpty() || r.chance(0.15) ? new ArrayList<>(m.actions.keySet()) : fitting;
    List<String> out = r.some(pool, r.oneOf(1, 1, 1, 2, 2, 3));
    if (r.chance(0.02)) {
      out.add(out.get(0)); // the same action twice
    }
    if (r.chance(0.03)) {
      out.set(0, r.oneOf("db:read", "db:*", "*", "db:drop", "everything"));
    }
    return out;
  }

  private Optional<AccessRequest.IntentRef> intent() {
    if (m.intents.isEmpty() || !r.chance(0.35)) {
      return r.chance(0.01) ? Optional.of(new AccessRequest.IntentRef("nonexistent", Map.of())) : Optional.empty();
    }
    return Optional.of(intentRef(r.pick(m.intents)));
  }

  private AccessRequest.IntentRef intentRef(IntentModel intent) {
    Map<String, Value> params = new LinkedHashMap<>();
    boolean spoil = r.chance(0.08);
    for (Param p : intent.params().values()) {
      if (!p.optional() ? r.chance(0.97) : r.chance(0.5)) {
        params.put(p.name(), paramValue(p, spoil && r.chance(0.5)));
      }
    }
    if (spoil && r.chance(0.3)) {
      params.put(r.oneOf("extra", "ticket", "sev"), new Value.Int(1));
    }
    String name = r.chance(0.01) ? "incidnet" : intent.name();
    return new AccessRequest.IntentRef(name, params);
  }

  /** A parameter value in its data form (strings for durations, times and entities), valid or not. */
  private Value paramValue(Param p, boolean invalid) {
    if (invalid) {
      return switch (p.type()) {
        case STRING -> r.oneOf(new Value.Int(5), new Value.Str("INC-x"));
        case INT -> new Value.Str("3");
        case BOOL -> new Value.Str("true");
        case DURATION -> r.oneOf(new Value.Str("1m1h"), new Value.Int(60), new Value.Str("01h"));
        case TIME -> r.oneOf(new Value.Str("tomorrow"), new Value.Int(1));
        case SET_STRING -> r.oneOf(new Value.Str("a"), new Value.SetV(Set.of(new Value.Int(1))));
        case EMPLOYEE -> r.oneOf(new Value.Str("alice"), new Value.Str("Assistant::triage"),
            new Value.EntityV(new EntityUid("Team", "sre")));
        case SET_EMPLOYEE -> r.oneOf(new Value.Str("Employee::alice"),
            new Value.SetV(Set.of(new Value.Str("Employee::bob"), new Value.Str("bob"))));
      };
    }
    return switch (p.type()) {
      case STRING -> new Value.Str(p.name().equals("ticket") ? (r.chance(0.9) ? r.oneOf("INC-4711", "INC-1")
          : r.oneOf("OPS-2", "INC-"))
          : r.oneOf("a", "b"));
      case INT -> new Value.Int(r.between(0, 4));
      case BOOL -> Value.Bool.of(r.chance(0.5));
      case DURATION -> new Value.Str(r.oneOf("30m", "1h", "2h", "1h30m", "0s", "90m"));
      case TIME -> new Value.Str(r.oneOf("2026-06-15T12:00:00Z", "2026-06-14T00:00:00Z", "2026-07-01T00:00:00Z",
          "2026-06-15T12:00:00+02:00", "2026-06-15T12:00:00.250Z"));
      case SET_STRING -> {
        Set<Value> s = new LinkedHashSet<>();
        for (String x : r.subset(List.of("db", "web", "pii"), 0.5)) {
          s.add(new Value.Str(x));
        }
        yield new Value.SetV(s);
      }
      case EMPLOYEE -> {
        String id = r.pick(m.types.get("Employee").ids());
        yield r.chance(0.5) ? new Value.Str(r.chance(0.8) ? "Employee::" + id : "Employee::\"" + id + "\"")
            : new Value.EntityV(new EntityUid("Employee", id));
      }
      case SET_EMPLOYEE -> {
        Set<Value> s = new LinkedHashSet<>();
        for (String id : r.subset(m.types.get("Employee").ids(), 0.4)) {
          s.add(r.chance(0.5) ? new Value.Str("Employee::" + id) : new Value.EntityV(new EntityUid("Employee", id)));
        }
        yield new Value.SetV(s);
      }
    };
  }

  private List<EntityUid> chain() {
    int n = r.oneOf(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 2, 3);
    List<EntityUid> out = new ArrayList<>();
    List<EntityUid> humans = principals.stream().filter(u -> kindOf(u) == EntityKind.HUMAN).toList();
    List<EntityUid> agents = principals.stream().filter(u -> kindOf(u) != EntityKind.HUMAN).toList();
    for (int i = 0; i < n; i++) {
      List<EntityUid> pool = i == 0 && !humans.isEmpty() && r.chance(0.8) ? humans
          : !agents.isEmpty() && r.chance(0.8) ? agents : principals;
      if (pool.isEmpty()) {
        break;
      }
      out.add(r.chance(0.02) && !everyone.isEmpty() ? r.pick(everyone) : r.pick(pool));
    }
    if (!out.isEmpty() && r.chance(0.02)) {
      out.set(out.size() - 1, new EntityUid("Employee", "nobody"));
    }
    return out;
  }

  private EntityKind kindOf(EntityUid u) {
    return m.types.get(u.type()).kind();
  }

  private List<AccessRequest.Approval> approvals(EntityUid principal, List<EntityUid> chain) {
    List<AccessRequest.Approval> out = new ArrayList<>();
    if (!r.chance(0.45)) {
      return out;
    }
    int n = r.between(1, 3);
    for (int i = 0; i < n; i++) {
      EntityUid by;
      double x = r.nextInt(100);
      if (x < 10) {
        by = principal;
      } else if (x < 20 && !chain.isEmpty()) {
        by = r.pick(chain);
      } else if (x < 30) {
        by = new EntityUid("Team", r.pick(m.types.get("Team").ids()));
      } else if (x < 98) {
        by = r.pick(principals.isEmpty() ? everyone : principals);
      } else {
        by = new EntityUid("Employee", "nobody");
      }
      out.add(new AccessRequest.Approval(by, r.chance(0.3) ? Optional.of(EntityGen.NOW) : Optional.empty()));
    }
    if (r.chance(0.2)) {
      out.add(out.get(0)); // the same approver twice
    }
    return out;
  }

  private Value.RecordV context() {
    Map<String, Value> f = new LinkedHashMap<>();
    if (r.chance(0.6)) {
      f.put("n", r.chance(0.85) ? new Value.Int(r.between(0, 5))
          : r.oneOf(new Value.Str("3"), new Value.Int(Long.MIN_VALUE), new Value.Int(Long.MAX_VALUE)));
    }
    if (r.chance(0.5)) {
      f.put("s", new Value.Str(r.chance(0.9) ? r.oneOf("prod", "sre", "s", "1h", "x")
          : r.oneOf(PolicyGen.KNOWN_DIFFERENCES ? "h\u00e9llo\ud83d\ude00" : "h\u00e9llo", "\u00c9COLE", "a\\b",
          "a*b", "a.b", "PROD", "I\u0130")));
    }
    if (r.chance(0.5)) {
      f.put("flag", r.chance(0.9) ? Value.Bool.of(r.chance(0.5)) : new Value.Int(1));
    }
    if (r.chance(0.5)) {
      f.put("mfa", Value.Bool.of(r.chance(0.6)));
    }
    if (r.chance(0.4)) {
      f.put("t", new Value.Str(r.chance(0.8) ? r.oneOf("2026-06-15T08:00:00Z", "2026-06-16T08:00:00Z",
          "2026-06-15T08:00:00-05:00", "2026-06-15") : "noon"));
    }
    if (r.chance(0.4)) {
      f.put("d", new Value.Str(r.chance(0.8) ? r.oneOf("30m", "2h", "1d", "90m", "0s") : r.oneOf("2hours", "1h1h")));
    }
    if (r.chance(0.4)) {
      f.put("ip", new Value.Str(r.oneOf("10.1.2.3", "192.168.1.1", "8.8.8.8", "2001:db8::7", "::1", "10.1", "x",
          PolicyGen.KNOWN_DIFFERENCES ? "::ffff:10.1.2.3" : "::ffff:a01:203", "010.1.2.3", "10.1.2.3 ", "2001:DB8::1",
          "10.1.2.256", "[::1]", "fe80::1%1")));
    }
    if (r.chance(0.2)) {
      f.put("source-ip", new Value.Str(r.oneOf("10.0.0.1", "172.16.0.1")));
    }
    if (r.chance(0.3)) {
      f.put("risk", new Value.Str(r.oneOf("0.75", "0.7500", "1.2345", "-3.0", "0.12345", "1", "x", "922337203685477.5807")));
    }
    if (r.chance(0.3)) {
      f.put("dt", new Value.Str(r.oneOf("2026-06-15", "2026-06-15T10:00:00Z", "2026-06-15T10:00:00.999-0130",
          "2026-02-30", "2026-06-15T10:00:00", "2026-06-15T24:00:00Z")));
    }
    if (r.chance(0.2)) {
      f.put("list", new Value.SetV(Set.of(new Value.Str(r.oneOf("pii", "x")))));
    }
    if (r.chance(0.25)) {
      f.put("r", r.oneOf(new Value.RecordV(Map.of("x", new Value.Int(1))), new Value.RecordV(Map.of("x",
          new Value.Int(2), "y", new Value.RecordV(Map.of("z", new Value.Str("prod"))))), Value.RecordV.EMPTY));
    }
    return new Value.RecordV(f);
  }

  /** Tags of a request's entity (merged over the stored ones, key by key): one key, now and then. */
  private Map<String, Value> overlayTags(SchemaModel.TypeDef t) {
    if (t.tagType() == null || r.chance(0.5)) {
      return Map.of();
    }
    return Map.of(r.pick(SchemaModel.TAG_KEYS), valueOf("tag", t.tagType()));
  }

  private Value valueOf(String name, VT type) {
    return switch (type) {
      case INT -> new Value.Int(r.between(0, 5));
      case STRING -> new Value.Str(name.equals("env") ? "prod" : "sre");
      case BOOL -> Value.Bool.TRUE;
      case DURATION -> new Value.Dur(3600);
      case TIME -> new Value.Time(EntityGen.NOW);
      case SET_STRING -> new Value.SetV(Set.of(new Value.Str("pii")));
      case EMPLOYEE -> new Value.EntityV(new EntityUid("Employee", "alice"));
      case SET_EMPLOYEE -> new Value.SetV(Set.of());
    };
  }

  List<Entity> entities() {
    return entities;
  }
}
