package dev.writ.engine.eval;

import dev.writ.engine.entity.AttributeTable;
import dev.writ.engine.entity.UidTable;
import dev.writ.engine.entity.EntityStore;
import dev.writ.engine.request.AccessRequest;
import dev.writ.engine.value.EntityUid;
import dev.writ.engine.value.Value;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one request gives every evaluation: store, resource, context, intent, duration, time,
 * principal and delegation chain. Built once per decision (or action fact); it makes the
 * {@link EvalState} for each action and chain position, each built once and never changed.
 *
 * <p>Chain positions: position {@code chain.size()} is the request's principal, with the whole
 * chain as its delegators; position {@code i < chain.size()} is chain member {@code i} taken as
 * principal, with the members before it as its delegators.
 */
final class EvalScope {
  final EntityStore store;
  final AttributeTable table;
  final UidTable uids;
  final UidTable.Numbers resourceNumbers;
  final EntityUid resourceUid;
  final EntityStore.Resolved resource;
  final Value.EntityV resourceValue;
  final Value.RecordV context;
  final String intentName;
  final Map<String, Value> intentParams;
  final Long durationSeconds;
  final Instant time;
  final EntityUid principalUid;
  final EntityStore.Resolved principal;
  final List<EntityUid> chain;
  // The chain members and approvers as the validator resolved them (request order), or null when
  // the caller did not resolve them (action facts, index probes): then the store is asked.
  private final EntityStore.Resolved[] chainResolved;
  private final EntityStore.Resolved[] approvers;

  private Value.RecordV intentRecord;
  private Value.RecordV requestRecord;

  /**
   * @param principal the principal already resolved, or null to resolve it here
   * @param resource  the resource already resolved, or null to resolve it here
   */
  EvalScope(EntityStore store, EvaluationPlan plan, EntityUid principalUid, EntityStore.Resolved principal,
            List<EntityUid> chain, EntityUid resourceUid, EntityStore.Resolved resource, Value.RecordV context,
            String intentName, Map<String, Value> intentParams, Long durationSeconds, Instant time) {
    this(store, plan, principalUid, principal, chain, null, resourceUid, resource, context, intentName, intentParams,
        durationSeconds, time, null);
  }

  /**
   * @param chainResolved the chain's members resolved in {@code store}, in order, or null
   * @param approvers     the request's approvers resolved in {@code store}, in order, or null
   */
  private EvalScope(EntityStore store, EvaluationPlan plan, EntityUid principalUid, EntityStore.Resolved principal,
                    List<EntityUid> chain, EntityStore.Resolved[] chainResolved, EntityUid resourceUid,
                    EntityStore.Resolved resource, Value.RecordV context, String intentName,
                    Map<String, Value> intentParams, Long durationSeconds, Instant time,
                    EntityStore.Resolved[] approvers) {
    this.store = store;
    this.table = plan.attributes();
    this.uids = plan.uids();
    this.principalUid = principalUid;
    this.principal = principal != null ? principal : store.resolve(principalUid);
    this.chain = chain;
    this.chainResolved = chainResolved;
    this.approvers = approvers;
    this.resourceUid = resourceUid;
    this.resource = resource != null ? resource : store.resolve(resourceUid);
    this.resourceValue = new Value.EntityV(resourceUid);
    this.resourceNumbers = this.resource.numbers(uids);
    this.context = context;
    this.intentName = intentName;
    this.intentParams = intentParams;
    this.durationSeconds = durationSeconds;
    this.time = time;
  }

  /** The scope of a request, with its principal and delegation chain. */
  static EvalScope of(EntityStore store, EvaluationPlan plan, AccessRequest request, EntityStore.Resolved principal,
                      EntityStore.Resolved resource, String intentName, Map<String, Value> intentParams, Instant time) {
    return new EvalScope(store, plan, request.principal(), principal, request.delegation(), request.resource(), resource,
        request.context(), intentName, intentParams, request.durationSeconds().orElse(null), time);
  }

  /** The scope of a request that passed the validator, reusing every entity it resolved. */
  static EvalScope of(RequestValidator.Valid valid, EvaluationPlan plan, AccessRequest request, String intentName,
                      Map<String, Value> intentParams, Instant time) {
    return new EvalScope(valid.store(), plan, request.principal(), valid.principal(), request.delegation(),
        valid.chain(), request.resource(), valid.resource(), request.context(), intentName, intentParams,
        request.durationSeconds().orElse(null), time, valid.approvers());
  }

  /** Chain member {@code i}, resolved. */
  EntityStore.Resolved member(int i) {
    return chainResolved != null ? chainResolved[i] : store.resolve(chain.get(i));
  }

  /** The ancestors-or-self of the request's approver {@code i} (whose uid is {@code by}). */
  java.util.Set<EntityUid> approverAncestors(int i, EntityUid by) {
    return approvers != null ? approvers[i].ancestors() : store.ancestorsOrSelf(by);
  }

  /** The states of one action, one per chain position, made when first asked for. */
  ForAction forAction(String action) {
    return new ForAction(this, new Value.Str(action));
  }

  /** The chain positions of one action. */
  static final class ForAction {
    final EvalScope scope;
    final Value.Str action;
    private final EvalState[] states;

    private ForAction(EvalScope scope, Value.Str action) {
      this.scope = scope;
      this.action = action;
      this.states = new EvalState[scope.chain.size() + 1];
    }

    String action() {
      return action.value();
    }

    /** The number of delegators before the request's principal; its own position. */
    int depth() {
      return states.length - 1;
    }

    /** The request's principal as the acting principal. */
    EvalState acting() {
      return at(depth());
    }

    /** The state with the principal at chain position {@code position}. */
    EvalState at(int position) {
      EvalState s = states[position];
      if (s == null) {
        List<EntityUid> chain = scope.chain;
        s = position == chain.size()
            ? new EvalState(this, scope.principalUid, scope.principal, chain)
            : new EvalState(this, chain.get(position), scope.member(position), chain.subList(0, position));
        states[position] = s;
      }
      return s;
    }
  }

  Value.RecordV intentRecord(String at) throws EvalError {
    if (intentName == null) {
      throw new EvalError("the request declares no intent", at);
    }
    if (intentRecord == null) {
      Map<String, Value> fields = new LinkedHashMap<>(intentParams);
      fields.put("name", new Value.Str(intentName));
      intentRecord = new Value.RecordV(fields);
    }
    return intentRecord;
  }

  Value.RecordV requestRecord() {
    if (requestRecord == null) {
      Map<String, Value> fields = new LinkedHashMap<>();
      if (durationSeconds != null) {
        fields.put("duration", new Value.Dur(durationSeconds));
      }
      fields.put("time", new Value.Time(time));
      requestRecord = new Value.RecordV(fields);
    }
    return requestRecord;
  }
}
