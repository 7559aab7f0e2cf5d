package dev.writ.server.authzen;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.writ.engine.decision.Decision;
import dev.writ.engine.decision.Outcome;
import dev.writ.engine.entity.Entity;
import dev.writ.engine.entity.EntityDataException;
import dev.writ.engine.entity.EntityReader;
import dev.writ.engine.entity.EntityStore;
import dev.writ.engine.eval.BadRequestException;
import dev.writ.engine.json.DataDocument;
import dev.writ.engine.json.DataException;
import dev.writ.engine.json.DataNode;
import dev.writ.engine.json.DecisionJson;
import dev.writ.engine.json.Values;
import dev.writ.engine.request.AccessRequest;
import dev.writ.engine.request.RequestReader;
import dev.writ.engine.value.EntityUid;
import dev.writ.engine.value.Value;
import dev.writ.server.authzen.AuthzenQuery.Batch;
import dev.writ.server.authzen.AuthzenQuery.Query;
import dev.writ.server.authzen.AuthzenQuery.Ref;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The OpenID AuthZEN Authorization API 1.0 on Writ's stateless decisions: the mapping both ways.
 *
 * <p>Subject {@code {type, id, properties}} is the principal {@code type::id}, its properties
 * merged over the stored entity's attributes for this call ({@link EntityReader#merged});
 * the resource likewise; action {@code name} is the one action; {@code context} is the
 * request's context, except an {@code intent} object in it, which is the request's intent
 * ({@code {name, PARAM: value}}). Action properties have nothing to map to (Writ actions have no
 * attributes) and are ignored. The answer's {@code decision} is {@code true} only for
 * {@code permit}; its {@code context} says what Writ decided and why.
 */
public final class Authzen {
  /** Decides one bound request (the service adds the caller to its context, times and counts it). */
  @FunctionalInterface
  public interface Decider {
    Decision decide(AccessRequest request, EntityStore entities);
  }

  /** An evaluation bound to the engine: the request and the entity store with its properties merged in. */
  public record Bound(AccessRequest request, EntityStore entities) {}

  /** An input error as the service reports it: status, message and the field at fault. */
  public record Problem(int status, String message, String at) {}

  /** The service's reading of the engine's input errors (the same as for its own API's 400s). */
  @FunctionalInterface
  public interface Problems {
    Problem of(RuntimeException inputError);
  }

  /** What the answer's context carries of a decision, besides {@code outcome}. */
  private static final List<String> CONTEXT_FIELDS = List.of("reasons", "policies", "forbids", "obligations", "ttl",
      "pending", "errors");

  private final RequestReader requests;
  private final EntityReader entityReader;
  private final EntityStore entities;

  public Authzen(RequestReader requests, EntityReader entityReader, EntityStore entities) {
    this.requests = requests;
    this.entityReader = entityReader;
    this.entities = entities;
  }

  /** {@code POST /access/v1/evaluation}: a Decision; any problem with the request is thrown (a 400). */
  public ObjectNode evaluation(DataNode body, Decider decider) {
    return decide(AuthzenQuery.single(body), decider);
  }

  /** Binds and decides one evaluation; the engine's refusals name AuthZEN's fields ({@code subject}, not {@code principal}). */
  private ObjectNode decide(Query q, Decider decider) {
    try {
      Bound b = bind(q);
      return decision(decider.decide(b.request(), b.entities()));
    } catch (BadRequestException e) {
      String prefix = q.at().pointer().isEmpty() ? "" : q.at().path() + ".";
      String problem = e.getMessage().substring(Math.min(e.getMessage().length(), e.field().length() + 2));
      throw new BadRequestException(prefix + authzenField(e.field()), problem);
    }
  }

  /** The AuthZEN member a field of Writ's request comes from. */
  private static String authzenField(String field) {
    return switch (field) {
      case "principal" -> "subject";
      case "resource" -> "resource";
      default -> field.startsWith("actions[") ? "action.name" : field.startsWith("intent") ? "context." + field : field;
    };
  }

  /**
   * {@code POST /access/v1/evaluations}: {@code {evaluations: [Decision...]}} in request order,
   * cut short by the semantic; or one Decision when the request has no evaluations array. A
   * malformed payload is thrown (a 400); an evaluation the engine refuses (a property of the
   * wrong type, an unknown entity type) is that evaluation's {@code false}, with
   * {@code context.error} (the specification's "Errors in individual evaluations").
   */
  public ObjectNode evaluations(DataNode body, Decider decider, Problems problems) {
    Batch batch = AuthzenQuery.batch(body);
    if (batch.single()) {
      return evaluation(body, decider);
    }
    ObjectNode out = DataDocument.JSON.createObjectNode();
    ArrayNode list = out.putArray("evaluations");
    for (Query q : batch.queries()) {
      ObjectNode answer;
      boolean permitted;
      try {
        answer = decide(q, decider);
        permitted = answer.get("decision").asBoolean();
      } catch (DataException | BadRequestException | EntityDataException e) {
        Problem p = problems.of(e);
        answer = error(p.status(), p.message(), p.at());
        permitted = false;
      }
      list.add(answer);
      if ((batch.semantic() == Semantic.DENY_ON_FIRST_DENY && !permitted)
          || (batch.semantic() == Semantic.PERMIT_ON_FIRST_PERMIT && permitted)) {
        break;
      }
    }
    return out;
  }

  /** Binds one evaluation: uids, merged properties, intent and context. */
  public Bound bind(Query q) {
    EntityUid principal = new EntityUid(q.subject().type(), q.subject().id());
    EntityUid resource = new EntityUid(q.resource().type(), q.resource().id());
    EntityStore store = entities;
    store = withProperties(store, principal, q.subject());
    store = withProperties(store, resource, q.resource());
    Optional<AccessRequest.IntentRef> intent = Optional.empty();
    Map<String, Value> context = new LinkedHashMap<>();
    if (!q.context().isMissing()) {
      for (Map.Entry<String, DataNode> e : q.context().entries()) {
        if (e.getValue().isMissing()) {
          continue;
        }
        if (e.getKey().equals("intent") && e.getValue().node().isObject()) {
          intent = Optional.of(requests.intent(e.getValue()));
        } else {
          context.put(e.getKey(), Values.untyped(e.getValue()));
        }
      }
    }
    AccessRequest r = new AccessRequest(principal, List.of(q.action()), resource, intent, Optional.empty(), List.of(),
        List.of(), new Value.RecordV(context), Optional.empty(), List.of());
    return new Bound(r, store);
  }

  private EntityStore withProperties(EntityStore store, EntityUid uid, Ref ref) {
    if (ref.properties().isMissing() || ref.properties().node().isEmpty()) {
      return store;
    }
    Entity merged = entityReader.merged(store, uid, ref.at().field("type"), ref.properties());
    return store.overlay(List.of(merged));
  }

  /**
   * A Decision: {@code decision} true only for {@code permit}; {@code context} with Writ's
   * {@code outcome} ({@code permit}, {@code deny}, {@code pending}), {@code reasons},
   * {@code policies}, {@code forbids}, {@code obligations}, {@code ttl} (null unless a permit
   * with a limited duration), {@code pending} (the approvals a pending request waits for) and
   * {@code errors} (rules whose evaluation failed, failing closed).
   */
  public static ObjectNode decision(Decision d) {
    ObjectNode o = DataDocument.JSON.createObjectNode();
    o.put("decision", d.decision() == Outcome.PERMIT);
    ObjectNode c = o.putObject("context");
    c.put("outcome", d.decision().json());
    // The parts of Writ's own decision JSON, written once by DecisionJson.
    ObjectNode writ = DecisionJson.write(d);
    for (String field : CONTEXT_FIELDS) {
      c.set(field, writ.get(field));
    }
    return o;
  }

  /** An evaluation that could not be decided: {@code false}, with {@code context.error {status, message, at}}. */
  public static ObjectNode error(int status, String message, String at) {
    ObjectNode o = DataDocument.JSON.createObjectNode();
    o.put("decision", false);
    ObjectNode e = o.putObject("context").putObject("error");
    e.put("status", status);
    e.put("message", message);
    e.put("at", at);
    return o;
  }

  /**
   * The metadata document ({@code GET /.well-known/authzen-configuration}, "Policy Decision Point
   * Metadata"): the identifier and the two evaluation endpoints. The search endpoints are not
   * offered, so they are left out (their absence is how a PEP knows).
   */
  public static ObjectNode metadata(String baseUrl) {
    ObjectNode o = DataDocument.JSON.createObjectNode();
    o.put("policy_decision_point", baseUrl);
    o.put("access_evaluation_endpoint", baseUrl + "/access/v1/evaluation");
    o.put("access_evaluations_endpoint", baseUrl + "/access/v1/evaluations");
    return o;
  }
}
