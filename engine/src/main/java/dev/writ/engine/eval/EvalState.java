package dev.writ.engine.eval;

import dev.writ.engine.entity.AttributeTable;
import dev.writ.engine.entity.Entity;
import dev.writ.engine.entity.EntityStore;
import dev.writ.engine.entity.UidTable;
import dev.writ.engine.value.EntityUid;
import dev.writ.engine.value.Value;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What expressions read for one action with one acting principal (a chain position). Made by
 * {@link EvalScope}, once per action and position, and not changed afterwards; request-wide parts
 * are shared through the scope. The {@code intent}, {@code delegation} and {@code request} records
 * are built only when read.
 */
public final class EvalState {
  private final EvalScope scope;
  final EntityStore store;
  final AttributeTable table;

  final EntityUid principalUid;
  final Entity principal;
  final Value.EntityV principalValue;
  final Set<EntityUid> principalAncestors;
  final UidTable.Numbers principalNumbers;
  final EntityUid resourceUid;
  final Entity resource;
  final Value.EntityV resourceValue;
  final Set<EntityUid> resourceAncestors;
  final UidTable.Numbers resourceNumbers;
  final Value.Str action;
  final Value.RecordV context;
  final String intentName;
  final Map<String, Value> intentParams;
  final List<EntityUid> chain;
  final Long durationSeconds;
  final Instant time;

  private Value.RecordV delegationRecord;

  EvalState(EvalScope.ForAction at, EntityUid principalUid, EntityStore.Resolved principal, List<EntityUid> chain) {
    EvalScope s = at.scope;
    this.scope = s;
    this.store = s.store;
    this.table = s.table;
    this.principalUid = principalUid;
    this.principal = principal.entity();
    this.principalValue = new Value.EntityV(principalUid);
    this.principalAncestors = principal.ancestors();
    this.principalNumbers = principal.numbers(s.uids);
    this.resourceUid = s.resourceUid;
    this.resource = s.resource.entity();
    this.resourceValue = s.resourceValue;
    this.resourceAncestors = s.resource.ancestors();
    this.resourceNumbers = s.resourceNumbers;
    this.action = at.action;
    this.context = s.context;
    this.intentName = s.intentName;
    this.intentParams = s.intentParams;
    this.chain = chain;
    this.durationSeconds = s.durationSeconds;
    this.time = s.time;
  }

  public String actionName() {
    return action.value();
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
    return scope.intentRecord(at);
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
    return scope.requestRecord();
  }

  /** The ancestors-or-self of the request's approver {@code i} ({@code by}), resolved once per request where it can be. */
  Set<EntityUid> approverAncestors(int i, EntityUid by) {
    return scope.approverAncestors(i, by);
  }
}
