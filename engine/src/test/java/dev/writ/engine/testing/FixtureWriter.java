package dev.writ.engine.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import dev.writ.engine.decision.Decision;
import dev.writ.engine.entity.Entity;
import dev.writ.engine.eval.DecideOptions;
import dev.writ.engine.json.Values;
import dev.writ.engine.request.AccessRequest;
import dev.writ.engine.value.Value;
import dev.writ.language.source.SourceFile;
import java.util.List;
import java.util.Map;

/** Writes generated cases in the fixture formats of docs/suites.md and docs/data.md, so that a failure can be read and replayed. */
public final class FixtureWriter {
  private FixtureWriter() {}

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory()
      .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
      .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
      .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS));
  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  public static String yaml(JsonNode node) {
    try {
      return YAML.writeValueAsString(node);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  public static JsonNode entities(List<Entity> entities) {
    ArrayNode list = F.arrayNode();
    for (Entity e : entities) {
      ObjectNode o = list.addObject();
      o.put("uid", e.uid().toString());
      if (e.kind() != null) {
        o.put("kind", e.kind().keyword());
      }
      if (!e.attributes().isEmpty()) {
        ObjectNode attrs = o.putObject("attrs");
        e.attributes().forEach((k, v) -> attrs.set(k, Values.toJson(v)));
      }
      if (!e.parents().isEmpty()) {
        ArrayNode parents = o.putArray("parents");
        e.parents().forEach(p -> parents.add(p.toString()));
      }
      if (!e.tags().isEmpty()) {
        ObjectNode tags = o.putObject("tags");
        e.tags().forEach((k, v) -> tags.set(k, Values.toJson(v)));
      }
    }
    return list;
  }

  public static JsonNode request(AccessRequest r) {
    ObjectNode o = F.objectNode();
    o.put("principal", r.principal().toString());
    ArrayNode actions = o.putArray("actions");
    r.actions().forEach(actions::add);
    o.put("resource", r.resource().toString());
    r.intent().ifPresent(i -> {
      ObjectNode intent = o.putObject("intent");
      intent.put("name", i.name());
      i.params().forEach((k, v) -> intent.set(k, Values.toJson(v)));
    });
    r.durationSeconds().ifPresent(d -> o.put("duration", duration(d)));
    if (!r.delegation().isEmpty()) {
      ArrayNode chain = o.putArray("delegation");
      r.delegation().forEach(u -> chain.add(u.toString()));
    }
    if (!r.approvals().isEmpty()) {
      ArrayNode approvals = o.putArray("approvals");
      for (AccessRequest.Approval a : r.approvals()) {
        ObjectNode ao = approvals.addObject();
        ao.put("by", a.by().toString());
        a.at().ifPresent(t -> ao.put("at", t.toString()));
      }
    }
    if (!r.context().fields().isEmpty()) {
      o.set("context", Values.toJson(r.context()));
    }
    r.time().ifPresent(t -> o.put("time", t.toString()));
    if (!r.entities().isEmpty()) {
      o.set("entities", entities(r.entities()));
    }
    return o;
  }

  public static JsonNode decision(Decision d) {
    ObjectNode o = F.objectNode();
    o.put("decision", d.decision().json());
    o.put("ttl", d.ttlSeconds().map(FixtureWriter::duration).orElse(null));
    o.put("standing", d.standing());
    ArrayNode p = o.putArray("policies");
    d.policies().forEach(p::add);
    ArrayNode f = o.putArray("forbids");
    d.forbids().forEach(f::add);
    ArrayNode pending = o.putArray("pending");
    d.pending().forEach(x -> pending.addObject().put("policy", x.policy()).put("from", x.from().toString())
        .put("required", x.required()).put("missing", x.missing()));
    ArrayNode obligations = o.putArray("obligations");
    d.obligations().forEach(x -> obligations.addObject().put("name", x.name()).put("value", x.value())
        .put("policy", x.policy()));
    ObjectNode actions = o.putObject("actions");
    d.actions().forEach((k, v) -> actions.put(k, v.json()));
    ArrayNode errors = o.putArray("errors");
    d.errors().forEach(x -> errors.addObject().put("policy", x.policy()).put("message", x.message())
        .put("at", x.at()));
    return o;
  }

  /** The whole case: policy files, entities, request, options and what each evaluator said. */
  public static String replay(String title, List<SourceFile> files, List<Entity> entities, AccessRequest request,
                              DecideOptions options, Map<String, String> outcomes) {
    StringBuilder out = new StringBuilder("######## ").append(title).append('\n');
    for (SourceFile f : files) {
      out.append("# ---- policies/").append(f.path()).append('\n').append(f.text());
    }
    out.append("# ---- entities.yaml\n").append(yaml(entities(entities)));
    out.append("# ---- request (now: ").append(options.defaultTime())
        .append(options.delegatorRemainingSeconds().map(s -> ", delegator remaining " + duration(s)).orElse(""))
        .append(")\n").append(yaml(request(request)));
    outcomes.forEach((who, what) -> out.append("# ---- ").append(who).append('\n').append(what));
    return out.toString();
  }

  static String duration(long seconds) {
    return new Value.Dur(seconds).toString();
  }
}
