package dev.writ.engine.request;

import dev.writ.engine.entity.Entity;
import dev.writ.engine.entity.EntityReader;
import dev.writ.engine.json.DataNode;
import dev.writ.engine.json.Values;
import dev.writ.engine.value.EntityUid;
import dev.writ.engine.value.Value;
import dev.writ.language.vocab.Schema;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Binds access requests and action facts from YAML/JSON trees, refusing malformed input with
 * the file, line and field path. Unknown fields are refused too: a misspelt optional field
 * ({@code intnet:}) would otherwise be ignored silently and change the decision.
 */
public final class RequestReader {
  private static final Set<String> REQUEST_FIELDS = Set.of("principal", "actions", "resource", "intent", "duration",
      "delegation", "approvals", "context", "time", "entities");
  private static final Set<String> APPROVAL_FIELDS = Set.of("by", "at");
  private static final Set<String> ACTION_FIELDS = Set.of("grant", "action", "resource", "time");

  private final Schema schema;

  public RequestReader(Schema schema) {
    this.schema = schema;
  }

  public AccessRequest request(DataNode n) {
    n.requireObject().onlyFields(REQUEST_FIELDS);
    EntityUid principal = n.required("principal").entity();
    DataNode actionsNode = n.required("actions");
    List<String> actions = actionNames(actionsNode);
    if (actions.isEmpty()) {
      throw actionsNode.error("a request needs at least one action");
    }
    EntityUid resource = n.required("resource").entity();
    DataNode intentNode = n.field("intent");
    Optional<AccessRequest.IntentRef> intent = intentNode.isMissing() ? Optional.empty()
        : Optional.of(intent(intentNode));
    Optional<Long> duration = duration(n.field("duration"));
    List<EntityUid> delegation = new ArrayList<>();
    DataNode chain = n.field("delegation");
    if (!chain.isMissing()) {
      for (DataNode d : chain.elementsOrOne()) {
        delegation.add(d.entity());
      }
    }
    List<AccessRequest.Approval> approvals = new ArrayList<>();
    DataNode approvalsNode = n.field("approvals");
    if (!approvalsNode.isMissing()) {
      for (DataNode a : approvalsNode.elements()) {
        approvals.add(approval(a));
      }
    }
    DataNode contextNode = n.field("context");
    if (!contextNode.isMissing()) {
      contextNode.requireObject();
    }
    Value.RecordV context = Values.record(contextNode);
    DataNode timeNode = n.field("time");
    Optional<Instant> time = timeNode.isMissing() ? Optional.empty() : Optional.of(timeNode.instant());
    List<Entity> overlay = new EntityReader(schema).readList(n.field("entities"));
    return new AccessRequest(principal, actions, resource, intent, duration, delegation, approvals, context, time, overlay);
  }

  /** An intent: {@code {name, PARAM: value, ...}}, its parameters in the order given. */
  public AccessRequest.IntentRef intent(DataNode intentNode) {
    String name = intentNode.required("name").string();
    Map<String, Value> params = new LinkedHashMap<>();
    for (Map.Entry<String, DataNode> e : intentNode.entries()) {
      if (!e.getKey().equals("name") && !e.getValue().isMissing()) {
        params.put(e.getKey(), Values.untyped(e.getValue()));
      }
    }
    return new AccessRequest.IntentRef(name, params);
  }

  /**
   * A delegation's fields, as the HTTP API's body and a suite's {@code delegate} step give them:
   * {@code to}, {@code actions} (one or a list; left out: all of the parent's) and
   * {@code duration}. The caller refuses fields that are not its own (the step's {@code as}, the
   * body's {@code time}); an error names the field at fault.
   */
  public static Delegation delegation(DataNode n) {
    n.requireObject();
    EntityUid to = n.required("to").entity();
    Optional<List<String>> actions = Optional.empty();
    DataNode actionsNode = n.field("actions");
    if (!actionsNode.isMissing()) {
      List<String> list = actionNames(actionsNode);
      if (list.isEmpty()) {
        throw actionsNode.error("name at least one action, or leave `actions` out to pass on all of the parent's");
      }
      actions = Optional.of(list);
    }
    return new Delegation(to, actions, duration(n.field("duration")));
  }

  /**
   * A narrowing's fields, as the HTTP API's body and a suite's {@code narrow} step give them:
   * {@code actions} (one or a list) and {@code duration} (the most time the grant keeps, from
   * now), at least one of them, and {@code reason}. The caller refuses fields not its own.
   */
  public static Narrowing narrowing(DataNode n) {
    n.requireObject();
    DataNode actionsNode = n.field("actions");
    Optional<List<String>> actions = Optional.empty();
    if (!actionsNode.isMissing()) {
      List<String> list = actionNames(actionsNode);
      if (list.isEmpty()) {
        throw actionsNode.error("name at least one action the grant keeps, or leave `actions` out to keep them all");
      }
      actions = Optional.of(list);
    }
    Optional<Long> duration = duration(n.field("duration"));
    if (actions.isEmpty() && duration.isEmpty()) {
      throw n.error("a narrowing names the `actions` the grant keeps, a `duration` it has left at most, or both");
    }
    return new Narrowing(actions, duration, reason(n.field("reason")));
  }

  /**
   * A task as a task end names it: {@code {intent, params}}, the intent's name and the parameters
   * to match (at least one; each given one must be equal, others are not compared).
   */
  public static AccessRequest.IntentRef task(DataNode n) {
    n.requireObject();
    String intent = n.required("intent").string();
    if (intent.isEmpty()) {
      throw n.field("intent").error("an intent name cannot be empty");
    }
    DataNode paramsNode = n.required("params").requireObject();
    Map<String, Value> params = new LinkedHashMap<>();
    for (Map.Entry<String, DataNode> e : paramsNode.entries()) {
      if (!e.getValue().isMissing()) {
        params.put(e.getKey(), Values.untyped(e.getValue()));
      }
    }
    if (params.isEmpty()) {
      throw paramsNode.error("name the task by its parameters (such as `ticket`); an intent alone names every "
          + "task of its kind");
    }
    return new AccessRequest.IntentRef(intent, params);
  }

  /** Most characters of a reason a caller gives (a revocation's, a narrowing's, a task end's). */
  public static final int MAX_REASON = 500;

  /** A caller's reason (left out: empty), 1 to {@link #MAX_REASON} characters once stripped. */
  public static Optional<String> reason(DataNode r) {
    if (r.isMissing()) {
      return Optional.empty();
    }
    String reason = r.string().strip();
    if (reason.isEmpty() || reason.length() > MAX_REASON) {
      throw r.error("a reason is 1 to " + MAX_REASON + " characters");
    }
    return Optional.of(reason);
  }

  /** Action names, one or a list, none of them empty. */
  public static List<String> actionNames(DataNode actionsNode) {
    List<String> actions = new ArrayList<>();
    for (DataNode a : actionsNode.elementsOrOne()) {
      String name = a.string();
      if (name.isEmpty()) {
        throw a.error("an action name cannot be empty");
      }
      actions.add(name);
    }
    return actions;
  }

  /** A requested duration (left out: empty), longer than zero. */
  public static Optional<Long> duration(DataNode durationNode) {
    Optional<Long> duration = durationNode.isMissing() ? Optional.empty() : Optional.of(durationNode.duration());
    if (duration.isPresent() && duration.get() == 0) {
      throw durationNode.error("a requested duration must be longer than `0s`");
    }
    return duration;
  }

  public AccessRequest.Approval approval(DataNode a) {
    if (a.node().isTextual()) {
      return new AccessRequest.Approval(a.entity(), Optional.empty());
    }
    a.requireObject().onlyFields(APPROVAL_FIELDS);
    EntityUid by = a.required("by").entity();
    DataNode at = a.field("at");
    return new AccessRequest.Approval(by, at.isMissing() ? Optional.empty() : Optional.of(at.instant()));
  }

  /** An action fact: {@code {grant, action, resource, time?}}. */
  public ActionFact action(DataNode n) {
    n.requireObject().onlyFields(ACTION_FIELDS);
    String grant = n.required("grant").scalarText();
    String action = n.required("action").string();
    EntityUid resource = n.required("resource").entity();
    DataNode timeNode = n.field("time");
    Optional<Instant> time = timeNode.isMissing() ? Optional.empty() : Optional.of(timeNode.instant());
    return new ActionFact(grant, action, resource, time);
  }
}
