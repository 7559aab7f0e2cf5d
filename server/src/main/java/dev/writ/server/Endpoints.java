package dev.writ.server;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.writ.engine.audit.AuditEvent;
import dev.writ.engine.audit.AuditPage;
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
import dev.writ.engine.grant.StoreUnavailableException;
import dev.writ.engine.grant.GrantState;
import dev.writ.engine.grant.NarrowingResult;
import dev.writ.engine.grant.RequestResult;
import dev.writ.engine.json.DataDocument;
import dev.writ.engine.json.DataNode;
import dev.writ.engine.json.DecisionJson;
import dev.writ.engine.request.AccessRequest;
import dev.writ.engine.request.ActionFact;
import dev.writ.engine.request.Delegation;
import dev.writ.engine.request.Narrowing;
import dev.writ.engine.request.RequestReader;
import dev.writ.engine.request.StreamingRequestReader;
import dev.writ.engine.value.EntityUid;
import dev.writ.engine.value.Value;
import dev.writ.language.vocab.Durations;
import dev.writ.server.Router.Access;
import dev.writ.server.auth.AuthFailure;
import dev.writ.server.auth.Identity;
import dev.writ.server.auth.Role;
import dev.writ.server.authzen.Authzen;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.function.Predicate;

/**
 * The operations of the HTTP API (docs/server.md), each a thin layer over the engine: bind the
 * input with the engine's readers, check that the caller may do this to this object, call the
 * runtime or the authorizer, write the answer. Input is checked completely before anything is
 * changed.
 *
 * <p>Facts come from the service, not the caller: on calls that change state, approvals and
 * entity overlays in the body are refused, {@code context.caller} is set from the credential
 * (a body that sets it is refused), and the service clock decides unless client time is allowed.
 */
public final class Endpoints {
  private static final Set<String> BATCH_FIELDS = Set.of("requests", "entities");
  private static final StreamingRequestReader USUAL_REQUESTS = new StreamingRequestReader();
  private static final Set<String> DELEGATION_FIELDS = Set.of("to", "actions", "duration", "time");
  private static final Set<String> APPROVAL_FIELDS = Set.of("by", "at");
  private static final Set<String> REVOKE_FIELDS = Set.of("reason");
  private static final Set<String> NARROWING_FIELDS = Set.of("actions", "duration", "reason");
  private static final Set<String> TASK_END_FIELDS = Set.of("intent", "params", "reason");
  /** Most bytes of JSON a request's context, or its intent parameters, may take in the trail. */
  static final int MAX_RECORDED_BYTES = 64 * 1024;

  private final WritService service;

  public Endpoints(WritService service) {
    this.service = service;
  }

  /**
   * The routes and who may call each (docs/server.md, "Roles"). Every authenticated caller is a
   * requester; what a requester may do to a grant (its own, or one it delegated) is checked by
   * the endpoint once it knows the grant.
   */
  public void register(Router r) {
    Access enforcer = Access.of(Role.ENFORCER);
    Access requester = Access.of(Role.REQUESTER);
    // A stateless decision only computes: answered on the thread that read the call.
    r.addDirect("POST", "/v1/decisions", Set.of("explain"), enforcer, this::decisions)
        .add("POST", "/v1/grants", requester, this::requestGrant)
        .add("GET", "/v1/grants", Set.of("principal", "active"), requester, this::listGrants)
        .add("GET", "/v1/grants/{id}", requester, this::getGrant)
        .add("DELETE", "/v1/grants/{id}", requester, this::revoke)
        .add("POST", "/v1/grants/{id}/approvals", Access.of(Role.APPROVER), this::approve)
        .add("POST", "/v1/grants/{id}/delegations", requester, this::delegate)
        .add("POST", "/v1/grants/{id}/narrowing", requester, this::narrow)
        .add("POST", "/v1/tasks/end", enforcer, this::endTask)
        // Answered when the check's records are durable, from the trail's group commit (no thread waits).
        .addDeferred("POST", "/v1/actions", enforcer, this::act)
        .add("POST", "/v1/principals/{uid}/offboard", Access.of(Role.ADMIN), this::offboard)
        .add("GET", "/v1/audit", Set.of("grant", "intent", "since", "principal", "event", "after", "limit", "follow",
                "heartbeat"), Access.of(Role.AUDITOR),
            this::audit)
        .add("POST", "/access/v1/evaluation", enforcer, this::authzenEvaluation)
        .add("POST", "/access/v1/evaluations", enforcer, this::authzenEvaluations)
        .add("GET", "/.well-known/authzen-configuration", enforcer, this::authzenConfiguration)
        .add("GET", "/openapi.json", Access.PUBLIC, this::openapi)
        .add("GET", "/health", Access.PUBLIC, this::health)
        .add("GET", "/metrics", service.config().openMetrics() ? Access.PUBLIC : Access.of(Role.AUDITOR),
            this::metrics);
  }

  private GrantRuntime runtime() {
    return service.runtime();
  }

  // ---- stateless decisions -----------------------------------------------------------

  /** One access request, or {@code {requests: [...], entities?: [...]}}; decisions only, nothing recorded. */
  Reply decisions(Call call) {
    ActivePolicy p = service.active();
    boolean explain = flag(call, "explain").orElse(false);
    // The usual body, one request of the usual shape, is read from the token stream and its answer
    // written with a generator: no tree either way. Anything else (a batch, per-request entities,
    // a body the fast reader declines) takes the tree reader, which binds it the same way or says
    // what is wrong with it.
    AccessRequest usual = USUAL_REQUESTS.tryRead(call.text());
    if (usual != null) {
      Decision d = decide(p, withCaller(usual, call.caller(), ""), p.entities(), service.now(), explain);
      service.metrics().decision("stateless", d.decision());
      return Reply.json(200, g -> DecisionJson.write(d, g));
    }
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
      for (int i = 0; i < items.size(); i++) {
        requests.add(withCaller(p.requests().request(items.get(i)), call.caller(), "requests[" + i + "]."));
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
    AccessRequest request = withCaller(p.requests().request(body), call.caller(), "");
    Decision d = decide(p, request, p.entities(), now, explain);
    service.metrics().decision("stateless", d.decision());
    return Reply.ok(DecisionJson.write(d));
  }

  private Decision decide(ActivePolicy p, AccessRequest r, EntityStore entities, Instant now, boolean explain) {
    DecideOptions options = DecideOptions.at(now);
    DecideOptions o = explain ? options.explaining() : options;
    return service.metrics().timeDecision(() -> p.authorizer().decide(r, entities, o));
  }

  // ---- AuthZEN (dev.writ.server.authzen has the mapping) ------------------------------

  /** {@code POST /access/v1/evaluation}: one AuthZEN evaluation, a stateless decision. */
  Reply authzenEvaluation(Call call) {
    ActivePolicy p = service.active();
    return Reply.ok(authzen(p).evaluation(call.body(), authzenDecider(p, call)));
  }

  /** {@code POST /access/v1/evaluations}: a batch with defaults and an evaluations semantic. */
  Reply authzenEvaluations(Call call) {
    ActivePolicy p = service.active();
    DataNode body = call.body();
    int size = body.field("evaluations").node().size();
    if (size > service.config().maxBatch()) {
      throw ApiException.badRequest("a batch holds at most " + service.config().maxBatch() + " evaluations, this one "
          + size, "evaluations");
    }
    return Reply.ok(authzen(p).evaluations(body, authzenDecider(p, call), e -> {
      ApiException a = JsonErrors.fromInput(e, "");
      return new Authzen.Problem(a.status(), a.getMessage(), a.at());
    }));
  }

  /** {@code GET /.well-known/authzen-configuration}: the PDP metadata, with URLs as the caller reached the service. */
  Reply authzenConfiguration(Call call) {
    return Reply.ok(Authzen.metadata(call.baseUrl()));
  }

  private static Authzen authzen(ActivePolicy p) {
    return new Authzen(p.requests(), p.entityReader(), p.entities());
  }

  private Authzen.Decider authzenDecider(ActivePolicy p, Call call) {
    Instant now = service.now();
    return (request, entities) -> {
      Decision d = decide(p, withCaller(request, call.caller(), ""), entities, now, false);
      service.metrics().decision("authzen", d.decision());
      return d;
    };
  }

  /** The OpenAPI 3.1 description of this API, as kept in the repository (read once). */
  Reply openapi(Call call) {
    return new Reply(200, Reply.JSON, OpenApi.document(), Map.of());
  }

  // ---- grants ------------------------------------------------------------------------

  /** An access request that becomes a grant ({@code permit}) or a pending request ({@code pending}). */
  Reply requestGrant(Call call) {
    ActivePolicy p = service.active();
    DataNode body = call.body();
    // Facts a caller could assert for itself: approvals come through the approvals endpoint only,
    // and entity data from the service's files only (an overlay would not be recorded).
    refuseField(body, "approvals", "approvals are given through POST /v1/grants/{id}/approvals, by the approver");
    refuseField(body, "entities", "entity overlays are for stateless decisions; a grant is decided on the "
        + "service's entity data");
    clientTime(body.field("time"), "time");
    recordedSize(body.field("context"), "context");
    recordedSize(body.field("intent"), "intent");
    AccessRequest request = withCaller(p.requests().request(body), call.caller(), "");
    Identity caller = call.caller();
    if (!caller.has(Role.ENFORCER) && !caller.is(request.principal())) {
      throw AuthFailure.forbidden(AuthFailure.Reason.NOT_OWN, "a caller requests grants for itself ("
          + caller.principal().map(EntityUid::toString).orElse("?") + "); requesting for others needs the role "
          + "enforcer", "principal");
    }
    RequestResult r = service.metrics().timeDecision(() -> runtime().request(request, caller.recordedOrNull()));
    service.metrics().decision("grant", r.decision().decision());
    return Reply.ok(ApiJson.result(r, service.now()));
  }

  /** {@code {by, at?}}: records an approval and decides the pending request again. */
  Reply approve(Call call) {
    String id = known(call.param("id"));
    Identity caller = call.caller();
    // With --auth the body may be left out: the approver is the caller.
    DataNode body = caller.isOpen() ? call.body()
        : call.optionalBody().orElseGet(() -> DataNode.root(DataDocument.parse("body", "{}", false)));
    body.onlyFields(APPROVAL_FIELDS);
    DataNode byNode = body.field("by");
    EntityUid by;
    if (caller.isOpen()) {
      by = body.required("by").entity();
    } else {
      // The approver is whoever the credential says: naming someone else is refused.
      by = caller.principal().orElseThrow();
      if (!byNode.isMissing() && !byNode.entity().equals(by)) {
        throw AuthFailure.forbidden(AuthFailure.Reason.NOT_OWN, "an approval is the caller's own (" + by
            + "); it cannot be given in another's name", "by");
      }
    }
    Optional<Instant> at = clientTime(body.field("at"), "at");
    RequestResult r = service.metrics().timeDecision(() -> runtime().approve(id, by, at, caller.recordedOrNull()));
    service.metrics().decision("approval", r.decision().decision());
    return Reply.ok(ApiJson.result(r, service.now()));
  }

  /** {@code {to, actions?, duration?, time?}}: a child grant for a delegate, when the policy allows it. */
  Reply delegate(Call call) {
    String id = call.param("id");
    Grant parent = existing(id);
    Identity caller = call.caller();
    if (!caller.has(Role.ENFORCER) && !caller.is(parent.principal())) {
      throw AuthFailure.forbidden(AuthFailure.Reason.NOT_OWN, "only the holder of `" + id + "` delegates it", "id");
    }
    DataNode body = call.body().onlyFields(DELEGATION_FIELDS);
    Delegation asked = RequestReader.delegation(body);
    Optional<Instant> time = clientTime(body.field("time"), "time");
    RequestResult r = service.metrics().timeDecision(() -> runtime().delegate(id, asked.to(), asked.actions(),
        asked.durationSeconds(), time, caller.recordedOrNull()));
    service.metrics().decision("delegation", r.decision().decision());
    return Reply.ok(ApiJson.result(r, service.now()));
  }

  /** Revokes a grant (or cancels a pending request) and, by cascade, every grant delegated from it. */
  Reply revoke(Call call) {
    String id = call.param("id");
    Grant g = existing(id);
    Identity caller = call.caller();
    if (!caller.has(Role.ADMIN) && !holdsOrDelegated(caller, g)) {
      throw AuthFailure.forbidden(AuthFailure.Reason.NOT_OWN, "only the holder of `" + id + "`, a sponsor in its "
          + "chain, or an admin revokes it", "id");
    }
    String reason = call.optionalBody().flatMap(b -> RequestReader.reason(b.onlyFields(REVOKE_FIELDS).field("reason")))
        .orElse("manual");
    List<String> revoked = runtime().revoke(id, reason, Optional.empty(), caller.recordedOrNull());
    countRevocations(revoked);
    return Reply.ok(ApiJson.revoked(revoked));
  }

  /**
   * {@code {actions?, duration?, reason}}: the grant keeps a subset of its actions and/or ends
   * sooner, and so does every grant delegated from it. Who may: the holder, a sponsor in its
   * chain, an admin (checked before the body is read, so a 403 says nothing of the grant's state).
   */
  Reply narrow(Call call) {
    String id = call.param("id");
    Grant g = existing(id);
    Identity caller = call.caller();
    if (!caller.has(Role.ADMIN) && !holdsOrDelegated(caller, g)) {
      throw AuthFailure.forbidden(AuthFailure.Reason.NOT_OWN, "only the holder of `" + id + "`, a sponsor in its "
          + "chain, or an admin narrows it", "id");
    }
    DataNode body = call.body().onlyFields(NARROWING_FIELDS);
    body.required("reason");
    Narrowing asked = RequestReader.narrowing(body);
    NarrowingResult r = runtime().narrow(id, asked.actions(), asked.durationSeconds(), asked.reason().orElseThrow(),
        Optional.empty(), caller.recordedOrNull());
    countRevocations(r.revoked());
    return Reply.ok(ApiJson.narrowed(r, service.now()));
  }

  /**
   * {@code {intent, params, reason}}: revokes every active grant and pending request of that task
   * (reason {@code task-ended}), their descendants by cascade. For an admin, or an enforcer such
   * as a ticketing system's webhook when the ticket closes.
   */
  Reply endTask(Call call) {
    DataNode body = call.body().onlyFields(TASK_END_FIELDS);
    AccessRequest.IntentRef task = RequestReader.task(body);
    recordedSize(body.field("params"), "params");
    String reason = RequestReader.reason(body.required("reason")).orElseThrow();
    List<String> revoked = runtime().endTask(task.name(), task.params(), reason, Optional.empty(),
        call.caller().recordedOrNull());
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
    boolean known = service.active().entities().contains(uid) || runtime().knows(uid);
    if (!known) {
      throw ApiException.notFound("no entity and no grant knows `" + uid + "`", "uid");
    }
    List<String> revoked = runtime().offboard(uid, Optional.empty(), call.caller().recordedOrNull());
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
      if (visible(call.caller(), g)) {
        list.add(ApiJson.grant(g, now));
      }
    }
    return Reply.ok(out);
  }

  Reply getGrant(Call call) {
    String id = call.param("id");
    Grant g = existing(id);
    if (!visible(call.caller(), g)) {
      throw AuthFailure.forbidden(AuthFailure.Reason.NOT_OWN, "`" + id + "` is not the caller's to read", "id");
    }
    return Reply.ok(ApiJson.grant(g, service.now()));
  }

  // ---- action facts ------------------------------------------------------------------

  /** {@code {grant, action, resource, time?}}: {@code allow}, {@code deny} or {@code revoke} (docs/language.md §8). */
  CompletionStage<Reply> act(Call call) {
    ActivePolicy p = service.active();
    DataNode body = call.body();
    clientTime(body.field("time"), "time");
    ActionFact fact = p.requests().action(body);
    return runtime().actDeferred(fact, call.caller().recordedOrNull()).thenApply(answer -> {
      service.metrics().actionCheck(answer);
      countRevocations(answer.revoked());
      return Reply.ok(ApiJson.answer(answer));
    });
  }

  // ---- audit, health, metrics --------------------------------------------------------

  /** Records per page when {@code limit} is not given, and the most a page may ask for. */
  static final int AUDIT_LIMIT = 1000;
  static final int AUDIT_MAX_LIMIT = 10_000;
  /** How often a follow stream looks for new records. */
  static final long FOLLOW_POLL_MILLIS = 200;

  /**
   * The trail as JSON lines, oldest first, filtered by grant, intent, principal, event and time,
   * a page at a time: the records after {@code after} (a seq, default 0), at most {@code limit}
   * (default 1000), and {@code Writ-Next-After} says where the next page starts. With {@code
   * follow=true} the response stays open and streams records as they commit, with a heartbeat
   * line every {@code heartbeat} seconds (default 15), until the client goes away or the
   * service stops (docs/server.md, "Audit export").
   */
  Reply audit(Call call) {
    long after = number(call, "after", 0, Long.MAX_VALUE).orElse(0L);
    int limit = number(call, "limit", 1, AUDIT_MAX_LIMIT).orElse((long) AUDIT_LIMIT).intValue();
    boolean follow = flag(call, "follow").orElse(false);
    long heartbeat = number(call, "heartbeat", 1, 300).orElse(15L);
    if (!follow && call.query("heartbeat").isPresent()) {
      throw ApiException.badRequest("`heartbeat` is for a stream (`follow=true`)", "heartbeat");
    }
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
    Predicate<AuditRecord> matching = filter;
    if (follow) {
      return Reply.streaming(Reply.JSON_LINES, java.util.Map.of("Cache-Control", "no-store"),
          out -> follow(out, after, limit, matching, heartbeat * 1000));
    }
    AuditPage page = service.store().audit(after, limit, matching);
    StringBuilder out = new StringBuilder();
    for (AuditRecord r : page.records()) {
      out.append(r.line()).append('\n');
    }
    return new Reply(200, Reply.JSON_LINES, out.toString().getBytes(StandardCharsets.UTF_8),
        java.util.Map.of("Writ-Next-After", Long.toString(page.nextAfter())));
  }

  /**
   * Streams records as they commit: a page whenever there are new ones, a heartbeat line
   * ({@code {"heartbeat": TIME, "after": SEQ}}, no {@code seq}, so never taken for a record)
   * after {@code heartbeatMillis} without one, until the service stops.
   */
  private void follow(java.io.OutputStream out, long after, int limit, Predicate<AuditRecord> filter,
                      long heartbeatMillis) throws java.io.IOException {
    AuditFollow signal = service.follow();
    long next = after;
    long quietSince = System.nanoTime();
    try {
      while (true) {
        AuditPage page = service.store().audit(next, limit, filter);
        for (AuditRecord r : page.records()) {
          out.write((r.line() + "\n").getBytes(StandardCharsets.UTF_8));
        }
        boolean moved = page.nextAfter() != next;
        next = page.nextAfter();
        if (!page.records().isEmpty()) {
          out.flush();
          quietSince = System.nanoTime();
        }
        if (moved && page.records().size() == limit) {
          continue; // more are waiting
        }
        if (System.nanoTime() - quietSince >= heartbeatMillis * 1_000_000) {
          ObjectNode h = DataDocument.JSON.createObjectNode();
          h.put("heartbeat", service.now().toString());
          h.put("after", next);
          out.write((h + "\n").getBytes(StandardCharsets.UTF_8));
          out.flush();
          quietSince = System.nanoTime();
        }
        if (signal.await(Math.min(FOLLOW_POLL_MILLIS, heartbeatMillis))) {
          return; // the service is stopping: the stream ends cleanly
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (StoreUnavailableException e) {
      // the store went away: end the stream; the client resumes from the last seq it got
    }
  }

  private static Optional<Long> number(Call call, String name, long min, long max) {
    return call.query(name).map(v -> {
      long n;
      try {
        n = Long.parseLong(v);
      } catch (NumberFormatException e) {
        throw ApiException.badRequest("`" + name + "` is a whole number, not `" + v + "`", name);
      }
      if (n < min || n > max) {
        throw ApiException.badRequest("`" + name + "` is from " + min + " to " + max + ", not " + n, name);
      }
      return n;
    });
  }

  Reply health(Call call) {
    // The error before the policy: a reload swaps the policy in and then clears the error, so an
    // answer read in this order never shows a cleared error beside the revision it replaced.
    Optional<String> error = service.lastError();
    Optional<Instant> errorAt = service.lastErrorAt();
    ActivePolicy p = service.active();
    ObjectNode o = DataDocument.JSON.createObjectNode();
    o.put("status", "ok");
    o.put("revision", p.revision());
    o.put("source", p.source());
    o.put("loaded_at", p.loadedAt().toString());
    if (!service.storeInfo().health(o, runtime())) {
      o.put("status", "degraded"); // decisions answer; changes and action checks get 503 until the store is back
    }
    if (error.isPresent()) {
      ObjectNode e = o.putObject("last_reload_error");
      e.put("message", error.get());
      e.put("at", errorAt.map(Instant::toString).orElse(null));
    } else {
      o.putNull("last_reload_error");
    }
    return Reply.ok(o);
  }

  Reply metrics(Call call) {
    return Reply.text(200, "text/plain; version=0.0.4; charset=utf-8", service.metrics().scrape());
  }

  // ---- helpers -----------------------------------------------------------------------

  /** The grant or pending request {@code id}, or 404. */
  private Grant existing(String id) {
    return runtime().grant(id).orElseThrow(() -> notFound(id));
  }

  private String known(String id) {
    return existing(id).id();
  }

  private static ApiException notFound(String id) {
    return ApiException.notFound("no grant or pending request `" + id + "`", "id");
  }

  /**
   * A client-given time on a call that changes state: refused unless the service runs with
   * {@code --allow-client-time} (a backdated approval or action check would be recorded as truth),
   * and even then not far in the future (a grant issued "later" would outlive its ttl).
   */
  private Optional<Instant> clientTime(DataNode n, String field) {
    if (n.isMissing()) {
      return Optional.empty();
    }
    if (!service.config().allowClientTime()) {
      throw ApiException.badRequest(field + ": the service's clock decides when this happens; a client-given `"
          + field + "` is accepted only when the service runs with --allow-client-time", field);
    }
    Instant t = n.instant();
    if (t.isAfter(service.now().plus(service.config().maxClockSkew()))) {
      throw ApiException.badRequest(field + ": `" + t + "` is later than the service's clock by more than "
          + Durations.format(service.config().maxClockSkew().toSeconds())
          + "; grants are issued and checked at the service's time", field);
    }
    return Optional.of(t);
  }

  private static void refuseField(DataNode body, String field, String why) {
    if (!body.field(field).isMissing()) {
      throw ApiException.badRequest(field + ": not accepted on a call that changes state: " + why, field);
    }
  }

  /** Recorded fields are bounded, so that no caller can make the trail (and every restart) arbitrarily large. */
  private static void recordedSize(DataNode n, String field) {
    if (n.isMissing()) {
      return;
    }
    int size;
    try {
      size = DataDocument.JSON.writeValueAsBytes(n.node()).length;
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw ApiException.badRequest(field + ": cannot be written as JSON", field);
    }
    if (size > MAX_RECORDED_BYTES) {
      throw new ApiException(413, field + ": " + size + " bytes of JSON; a request records at most "
          + MAX_RECORDED_BYTES + " bytes of " + field, field);
    }
  }

  /**
   * The request with {@code context.caller} set from the credential. A body that sets it is
   * refused (unless the service is open: then nothing is known of the caller, and the body's
   * word is all there is, as for everything else an open service is told).
   */
  private static AccessRequest withCaller(AccessRequest r, Identity caller, String prefix) {
    if (r.context().fields().containsKey("caller")) {
      if (caller.isOpen()) {
        return r;
      }
      throw ApiException.badRequest(prefix + "context.caller: set by the service from the caller's credentials, "
          + "not by the body", prefix + "context.caller");
    }
    Map<String, Value> context = new LinkedHashMap<>(r.context().fields());
    context.put("caller", caller.context());
    return new AccessRequest(r.principal(), r.actions(), r.resource(), r.intent(), r.durationSeconds(), r.delegation(),
        r.approvals(), new Value.RecordV(context), r.time(), r.entities());
  }

  /** A grant the caller holds, or one in whose chain it is (it delegated it, directly or further up). */
  private static boolean holdsOrDelegated(Identity caller, Grant g) {
    return caller.principal().isPresent()
        && (g.principal().equals(caller.principal().get()) || g.chain().contains(caller.principal().get()));
  }

  /** Auditors read every grant; approvers every pending request; anyone else its own and what it delegated. */
  private static boolean visible(Identity caller, Grant g) {
    return caller.has(Role.AUDITOR) || (caller.has(Role.APPROVER) && g.isPending()) || holdsOrDelegated(caller, g);
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
