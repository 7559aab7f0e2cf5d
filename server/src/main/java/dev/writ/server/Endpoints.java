package dev.writ.server;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.writ.engine.audit.AuditEvent;
import dev.writ.engine.audit.AuditRecord;
import dev.writ.engine.decision.Decision;
import dev.writ.engine.entity.Entity;
import dev.writ.engine.entity.EntityDataException;
import dev.writ.engine.entity.EntityStore;
import dev.writ.engine.eval.BadRequestException;
import dev.writ.engine.eval.DecideOptions;
import dev.writ.engine.grant.ActionAnswer;
import dev.writ.engine.grant.Grant;
import dev.writ.engine.grant.GrantRuntime;
import dev.writ.engine.grant.GrantState;
import dev.writ.engine.grant.RequestResult;
import dev.writ.engine.json.DataDocument;
import dev.writ.engine.json.DataNode;
import dev.writ.engine.json.DecisionJson;
import dev.writ.engine.request.AccessRequest;
import dev.writ.engine.request.ActionFact;
import dev.writ.engine.value.EntityUid;
import dev.writ.language.ast.Durations;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The operations of the HTTP API (INTERFACES.md, "HTTP enforcement service"), each a thin
 * layer over the engine: bind the input with the engine's readers, call the runtime or the
 * authorizer, write the answer. Input is checked completely before anything is changed.
 */
public final class Endpoints {
  private static final Set<String> BATCH_FIELDS = Set.of("requests", "entities");
  private static final Set<String> DELEGATION_FIELDS = Set.of("to", "actions", "duration", "time");
  private static final Set<String> REVOKE_FIELDS = Set.of("reason");
  private static final int MAX_REASON = 500;

  private final WritService service;

  public Endpoints(WritService service) {
    this.service = service;
  }

  public void register(Router r) {
    r.add("POST", "/v1/decisions", Set.of("explain"), this::decisions)
        .add("POST", "/v1/grants", this::requestGrant)
        .add("GET", "/v1/grants", Set.of("principal", "active"), this::listGrants)
        .add("GET", "/v1/grants/{id}", this::getGrant)
        .add("DELETE", "/v1/grants/{id}", this::revoke)
        .add("POST", "/v1/grants/{id}/approvals", this::approve)
        .add("POST", "/v1/grants/{id}/delegations", this::delegate)
        .add("POST", "/v1/actions", this::act)
        .add("POST", "/v1/principals/{uid}/offboard", this::offboard)
        .add("GET", "/v1/audit", Set.of("grant", "intent", "since", "principal", "event"), this::audit)
        .add("GET", "/health", this::health)
        .add("GET", "/metrics", this::metrics);
  }

  private GrantRuntime runtime() {
    return service.runtime();
  }

  // ---- stateless decisions -----------------------------------------------------------

  /** One access request, or {@code {requests: [...], entities?: [...]}}; decisions only, nothing recorded. */
  Reply decisions(Call call) {
    ActivePolicy p = service.active();
    boolean explain = flag(call, "explain").orElse(false);
    DataNode body = call.body();
    Instant now = service.now();
    if (body.node().has("requests")) {
      body.onlyFields(BATCH_FIELDS);
      List<DataNode> items = body.field("requests").elements();
      if (items.size() > service.config().maxBatch()) {
        throw ApiException.badRequest("a batch holds at most " + service.config().maxBatch() + " requests, this one "
            + items.size(), "requests");
      }
      List<Entity> shared = p.entityReader().readList(body.field("entities"));
      EntityStore base;
      try {
        base = p.entities().overlay(shared);
      } catch (EntityDataException e) {
        throw ApiException.badRequest(e.getMessage(), "entities");
      }
      List<AccessRequest> requests = new ArrayList<>();
      for (DataNode item : items) {
        requests.add(p.requests().request(item));
      }
      List<Decision> decisions = new ArrayList<>();
      for (int i = 0; i < requests.size(); i++) {
        try {
          decisions.add(decide(p, requests.get(i), base, now, explain));
        } catch (BadRequestException | EntityDataException e) {
          throw JsonErrors.fromInput(e, "requests[" + i + "]");
        }
      }
      ObjectNode out = DataDocument.JSON.createObjectNode();
      ArrayNode list = out.putArray("decisions");
      for (Decision d : decisions) {
        service.metrics().decision("stateless", d.decision());
        list.add(DecisionJson.write(d));
      }
      return Reply.ok(out);
    }
    AccessRequest request = p.requests().request(body);
    Decision d = decide(p, request, p.entities(), now, explain);
    service.metrics().decision("stateless", d.decision());
    return Reply.ok(DecisionJson.write(d));
  }

  private Decision decide(ActivePolicy p, AccessRequest r, EntityStore entities, Instant now, boolean explain) {
    DecideOptions options = DecideOptions.at(now);
    DecideOptions o = explain ? options.explaining() : options;
    return service.metrics().timeDecision(() -> p.authorizer().decide(r, entities, o));
  }

  // ---- grants ------------------------------------------------------------------------

  /** An access request that becomes a grant ({@code permit}) or a pending request ({@code pending}). */
  Reply requestGrant(Call call) {
    ActivePolicy p = service.active();
    AccessRequest request = p.requests().request(call.body());
    notInTheFuture(request.time(), "time");
    RequestResult r = service.metrics().timeDecision(() -> runtime().request(request));
    service.metrics().decision("grant", r.decision().decision());
    return Reply.ok(ApiJson.result(r, service.now()));
  }

  /** {@code {by, at?}}: records an approval and decides the pending request again. */
  Reply approve(Call call) {
    String id = known(call.param("id"));
    ActivePolicy p = service.active();
    DataNode body = call.body();
    AccessRequest.Approval approval = p.requests().approval(body);
    notInTheFuture(approval.at(), "at");
    RequestResult r = service.metrics().timeDecision(() -> runtime().approve(id, approval.by(), approval.at()));
    service.metrics().decision("approval", r.decision().decision());
    return Reply.ok(ApiJson.result(r, service.now()));
  }

  /** {@code {to, actions?, duration?, time?}}: a child grant for a delegate, when the policy allows it. */
  Reply delegate(Call call) {
    String id = known(call.param("id"));
    DataNode body = call.body().onlyFields(DELEGATION_FIELDS);
    EntityUid to = body.required("to").entity();
    Optional<List<String>> actions = Optional.empty();
    DataNode actionsNode = body.field("actions");
    if (!actionsNode.isMissing()) {
      List<String> list = new ArrayList<>();
      for (DataNode a : actionsNode.elementsOrOne()) {
        String name = a.string();
        if (name.isEmpty()) {
          throw a.error("an action name cannot be empty");
        }
        list.add(name);
      }
      if (list.isEmpty()) {
        throw actionsNode.error("name at least one action, or leave `actions` out to pass on all of the parent's");
      }
      actions = Optional.of(list);
    }
    DataNode durationNode = body.field("duration");
    Optional<Long> duration = durationNode.isMissing() ? Optional.empty() : Optional.of(durationNode.duration());
    if (duration.isPresent() && duration.get() == 0) {
      throw durationNode.error("a requested duration must be longer than `0s`");
    }
    DataNode timeNode = body.field("time");
    Optional<Instant> time = timeNode.isMissing() ? Optional.empty() : Optional.of(timeNode.instant());
    notInTheFuture(time, "time");
    Optional<List<String>> wanted = actions;
    RequestResult r = service.metrics().timeDecision(() -> runtime().delegate(id, to, wanted, duration, time));
    service.metrics().decision("delegation", r.decision().decision());
    return Reply.ok(ApiJson.result(r, service.now()));
  }

  /** Revokes a grant (or cancels a pending request) and, by cascade, every grant delegated from it. */
  Reply revoke(Call call) {
    String id = known(call.param("id"));
    String reason = "manual";
    Optional<DataNode> body = call.optionalBody();
    if (body.isPresent()) {
      DataNode b = body.get().onlyFields(REVOKE_FIELDS);
      DataNode r = b.field("reason");
      if (!r.isMissing()) {
        reason = r.string().strip();
        if (reason.isEmpty() || reason.length() > MAX_REASON) {
          throw r.error("a reason is 1 to " + MAX_REASON + " characters");
        }
      }
    }
    List<String> revoked = runtime().revoke(id, reason, Optional.empty());
    countRevocations(revoked);
    return Reply.ok(ApiJson.revoked(revoked));
  }

  /** Ends every grant in which the principal acts or is in the chain, and its pending requests. */
  Reply offboard(Call call) {
    String raw = call.param("uid");
    EntityUid uid;
    try {
      uid = EntityUid.parse(raw);
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest("`" + raw + "` is not an entity (`Type::id`): " + e.getMessage(), "uid");
    }
    call.optionalBody().ifPresent(b -> b.onlyFields(Set.of()));
    boolean known = service.active().entities().contains(uid) || runtime().grants(Optional.empty(), false).stream()
        .anyMatch(g -> g.principal().equals(uid) || g.chain().contains(uid));
    if (!known) {
      throw ApiException.notFound("no entity and no grant knows `" + uid + "`", "uid");
    }
    List<String> revoked = runtime().offboard(uid, Optional.empty());
    countRevocations(revoked);
    return Reply.ok(ApiJson.revoked(revoked));
  }

  Reply listGrants(Call call) {
    Optional<EntityUid> principal = call.query("principal").map(s -> uid(s, "principal"));
    boolean active = flag(call, "active").orElse(false);
    Instant now = service.now();
    ObjectNode out = DataDocument.JSON.createObjectNode();
    ArrayNode list = out.putArray("grants");
    for (Grant g : runtime().grants(principal, active)) {
      list.add(ApiJson.grant(g, now));
    }
    return Reply.ok(out);
  }

  Reply getGrant(Call call) {
    String id = call.param("id");
    Grant g = runtime().grant(id).orElseThrow(() -> notFound(id));
    return Reply.ok(ApiJson.grant(g, service.now()));
  }

  // ---- action facts ------------------------------------------------------------------

  /** {@code {grant, action, resource, time?}}: {@code allow}, {@code deny} or {@code revoke} (LANGUAGE.md §8). */
  Reply act(Call call) {
    ActivePolicy p = service.active();
    ActionFact fact = p.requests().action(call.body());
    notInTheFuture(fact.time(), "time");
    ActionAnswer answer = runtime().act(fact);
    service.metrics().actionCheck(answer);
    countRevocations(answer.revoked());
    return Reply.ok(ApiJson.answer(answer));
  }

  // ---- audit, health, metrics --------------------------------------------------------

  /** The trail as JSON lines, oldest first, filtered by grant, intent, principal, event and time. */
  Reply audit(Call call) {
    Predicate<AuditRecord> filter = r -> true;
    Optional<String> grant = call.query("grant");
    if (grant.isPresent()) {
      filter = filter.and(r -> grant.get().equals(r.grant()));
    }
    Optional<String> intent = call.query("intent");
    if (intent.isPresent()) {
      filter = filter.and(r -> intent.get().equals(r.event().header().intent()));
    }
    Optional<EntityUid> principal = call.query("principal").map(s -> uid(s, "principal"));
    if (principal.isPresent()) {
      filter = filter.and(r -> principal.get().equals(r.event().header().principal()));
    }
    Optional<String> event = call.query("event");
    if (event.isPresent()) {
      AuditEvent.Type type = AuditEvent.Type.parse(event.get());
      if (type == null) {
        throw ApiException.badRequest("`" + event.get() + "` is not an audit event; events are "
            + String.join(", ", Arrays.stream(AuditEvent.Type.values()).map(AuditEvent.Type::json).toList()), "event");
      }
      filter = filter.and(r -> r.event().type() == type);
    }
    Optional<String> since = call.query("since");
    if (since.isPresent()) {
      Instant t;
      try {
        t = Instant.parse(since.get());
      } catch (DateTimeParseException e) {
        throw ApiException.badRequest("`" + since.get() + "` is not an ISO-8601 time such as `2026-06-15T10:00:00Z`",
            "since");
      }
      filter = filter.and(r -> !r.event().header().time().isBefore(t));
    }
    StringBuilder out = new StringBuilder();
    for (AuditRecord r : runtime().audit(filter)) {
      out.append(r.line()).append('\n');
    }
    return new Reply(200, Reply.JSON_LINES, out.toString().getBytes(StandardCharsets.UTF_8), java.util.Map.of());
  }

  Reply health(Call call) {
    ActivePolicy p = service.active();
    ObjectNode o = DataDocument.JSON.createObjectNode();
    o.put("status", "ok");
    o.put("revision", p.revision());
    o.put("source", p.source());
    o.put("loaded_at", p.loadedAt().toString());
    o.put("grants_active", runtime().grants(Optional.empty(), true).size());
    o.put("audit_head", service.store().head());
    if (service.lastError().isPresent()) {
      ObjectNode e = o.putObject("last_reload_error");
      e.put("message", service.lastError().get());
      e.put("at", service.lastErrorAt().map(Instant::toString).orElse(null));
    } else {
      o.putNull("last_reload_error");
    }
    return Reply.ok(o);
  }

  Reply metrics(Call call) {
    return Reply.text(200, "text/plain; version=0.0.4; charset=utf-8", service.metrics().scrape());
  }

  // ---- helpers -----------------------------------------------------------------------

  private String known(String id) {
    if (runtime().grant(id).isEmpty()) {
      throw notFound(id);
    }
    return id;
  }

  private static ApiException notFound(String id) {
    return ApiException.notFound("no grant or pending request `" + id + "`", "id");
  }

  private void notInTheFuture(Optional<Instant> t, String field) {
    if (t.isPresent() && t.get().isAfter(service.now().plus(service.config().maxClockSkew()))) {
      throw ApiException.badRequest(field + ": `" + t.get() + "` is later than the service's clock by more than "
          + Durations.format(service.config().maxClockSkew().toSeconds())
          + "; grants are issued and checked at the service's time", field);
    }
  }

  private void countRevocations(List<String> ids) {
    for (String id : ids) {
      runtime().grant(id).ifPresent(g -> {
        if (g.state() instanceof GrantState.Revoked r) {
          service.metrics().revoked(r.reason());
        }
      });
    }
  }

  private static Optional<Boolean> flag(Call call, String name) {
    return call.query(name).map(v -> switch (v) {
      case "true", "" -> true;
      case "false" -> false;
      default -> throw ApiException.badRequest("`" + name + "` is true or false, not `" + v + "`", name);
    });
  }

  private static EntityUid uid(String text, String at) {
    try {
      return EntityUid.parse(text);
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest("`" + text + "` is not an entity (`Type::id`): " + e.getMessage(), at);
    }
  }
}
