package dev.writ.engine.eval;

import dev.writ.engine.entity.AttributeTable;
import dev.writ.engine.entity.Entity;
import dev.writ.engine.entity.EntityStore;
import dev.writ.engine.value.EntityUid;
import dev.writ.engine.value.Value;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What expressions read while one request is decided. One instance per decision; the decision
 * procedure moves it between actions and between chain members taken as principal. The
 * {@code intent}, {@code delegation} and {@code request} records are built only when read.
 */
public final class EvalState {
  final EntityStore store;
  final AttributeTable table;

  EntityUid principalUid;
  Entity principal;
  Value.EntityV principalValue;
  Set<EntityUid> principalAncestors;
  EntityUid resourceUid;
  Entity resource;
  Value.EntityV resourceValue;
  final Set<EntityUid> resourceAncestors;
  Value.Str action;
  final Value.RecordV context;
  final String intentName;
  final Map<String, Value> intentParams;
  List<EntityUid> chain;
  final Long durationSeconds;
  final Instant time;

  private Value.RecordV intentRecord;
  private Value.RecordV delegationRecord;
  private Value.RecordV requestRecord;

  public EvalState(EntityStore store, AttributeTable table, EntityUid resource, Value.RecordV context,
                   String intentName, Map<String, Value> intentParams, Long durationSeconds, Instant time) {
    this(store, table, resource, store.resolve(resource), context, intentName, intentParams, durationSeconds, time);
  }

  /** With the resource already resolved (the decision procedure resolves it once, to validate it). */
  public EvalState(EntityStore store, AttributeTable table, EntityUid resource, EntityStore.Resolved resolved,
                   Value.RecordV context, String intentName, Map<String, Value> intentParams, Long durationSeconds,
                   Instant time) {
    this.store = store;
    this.table = table;
    this.resourceUid = resource;
    this.resource = resolved.entity();
    this.resourceValue = new Value.EntityV(resource);
    this.resourceAncestors = resolved.ancestors();
    this.context = context;
    this.intentName = intentName;
    this.intentParams = intentParams;
    this.durationSeconds = durationSeconds;
    this.time = time;
  }

  /** Takes {@code uid} as the acting principal, with {@code chain} the delegators before it. */
  public void principal(EntityUid uid, List<EntityUid> chain) {
    principal(uid, null, chain);
  }

  /** As {@link #principal(EntityUid, List)}, with the principal already resolved (or null). */
  public void principal(EntityUid uid, EntityStore.Resolved resolved, List<EntityUid> chain) {
    if (!uid.equals(principalUid)) {
      this.principalUid = uid;
      EntityStore.Resolved r = resolved != null ? resolved : store.resolve(uid);
      this.principal = r.entity();
      this.principalValue = new Value.EntityV(uid);
      this.principalAncestors = r.ancestors();
    }
    if (this.chain != chain) {
      this.chain = chain;
      this.delegationRecord = null;
    }
  }

  public void action(String name) {
    this.action = new Value.Str(name);
  }

  public String actionName() {
    return action == null ? "" : action.value();
  }

  public EntityUid principalUid() {
    return principalUid;
  }

  public Entity principalEntity() {
    return principal;
  }

  public Set<EntityUid> principalAncestors() {
    return principalAncestors;
  }

  public EntityUid resourceUid() {
    return resourceUid;
  }

  public Set<EntityUid> resourceAncestors() {
    return resourceAncestors;
  }

  public Entity resourceEntity() {
    return resource;
  }

  public EntityStore store() {
    return store;
  }

  public String intentName() {
    return intentName;
  }

  public List<EntityUid> chain() {
    return chain;
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

  Value.RecordV delegationRecord() {
    if (delegationRecord == null) {
      Map<String, Value> fields = new LinkedHashMap<>();
      fields.put("depth", new Value.Int(chain.size()));
      fields.put("root", new Value.EntityV(chain.isEmpty() ? principalUid : chain.get(0)));
      Set<Value> members = new LinkedHashSet<>();
      chain.forEach(u -> members.add(new Value.EntityV(u)));
      fields.put("chain", new Value.SetV(members));
      delegationRecord = new Value.RecordV(fields);
    }
    return delegationRecord;
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
