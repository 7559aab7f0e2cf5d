package dev.writ.server.authzen;

import dev.writ.engine.json.DataNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The shape of AuthZEN requests (Authorization API 1.0, "Information Model", "Access Evaluation
 * API", "Access Evaluations API"), checked before anything is bound to the engine. A required
 * member that is missing or of the wrong JSON type is a Bad Request for the whole payload (the
 * specification's "JSON Serialization"); members the specification does not define are ignored,
 * as it requires of receivers.
 */
public final class AuthzenQuery {
  private AuthzenQuery() {}

  /** A subject or a resource: {@code {type, id, properties?}}; {@code properties} may be missing. */
  public record Ref(String type, String id, DataNode at, DataNode properties) {}

  /**
   * One evaluation, its parts taken from the evaluation itself or from the batch's defaults.
   *
   * @param at      the evaluation's node, for errors ({@code evaluations[2]}, or the body)
   * @param context missing when neither the evaluation nor the defaults have one
   */
  public record Query(Ref subject, String action, Ref resource, DataNode context, DataNode at) {}

  /**
   * An Access Evaluations request. {@code single} when it has no (or an empty) {@code evaluations}
   * array: then it is answered as one Access Evaluation, as the specification says.
   */
  public record Batch(List<Query> queries, Semantic semantic, boolean single) {}

  /** {@code POST /access/v1/evaluation}: subject, action and resource are required. */
  public static Query single(DataNode body) {
    return query(body, null);
  }

  /**
   * {@code POST /access/v1/evaluations}: the top-level {@code subject}, {@code action},
   * {@code resource} and {@code context} are defaults that an evaluation's own members override
   * (whole: an evaluation's {@code context} replaces the default context, it is not merged).
   */
  public static Batch batch(DataNode body) {
    Semantic semantic = semantic(body.field("options"));
    DataNode list = body.field("evaluations");
    if (list.isMissing() || (list.node().isArray() && list.node().isEmpty())) {
      return new Batch(List.of(single(body)), semantic, true);
    }
    if (!list.node().isArray()) {
      throw list.error("`evaluations` is an array of evaluations, got " + list.describe());
    }
    List<Query> queries = new ArrayList<>();
    for (DataNode item : list.elements()) {
      if (!item.node().isObject()) {
        throw item.error("an evaluation is an object, got " + item.describe());
      }
      queries.add(query(item, body));
    }
    return new Batch(queries, semantic, false);
  }

  private static Query query(DataNode item, DataNode defaults) {
    Ref subject = ref(member(item, defaults, "subject"));
    DataNode action = member(item, defaults, "action");
    requireObject(action);
    String name = text(action.required("name"));
    Ref resource = ref(member(item, defaults, "resource"));
    DataNode context = item.field("context");
    if (context.isMissing() && defaults != null) {
      context = defaults.field("context");
    }
    if (!context.isMissing()) {
      requireObject(context);
    }
    return new Query(subject, name, resource, context, item);
  }

  /** The evaluation's own member, else the default; a missing required one is named where the evaluation is. */
  private static DataNode member(DataNode item, DataNode defaults, String name) {
    DataNode own = item.field(name);
    if (!own.isMissing() || defaults == null) {
      return defaults == null ? item.required(name) : own;
    }
    DataNode d = defaults.field(name);
    if (d.isMissing()) {
      throw own.error("missing field `" + name + "` (in the evaluation or as a top-level default)"); // at the field
    }
    return d;
  }

  private static Ref ref(DataNode n) {
    requireObject(n);
    DataNode properties = n.field("properties");
    if (!properties.isMissing()) {
      requireObject(properties);
    }
    return new Ref(text(n.required("type")), text(n.required("id")), n, properties);
  }

  private static Semantic semantic(DataNode options) {
    if (options.isMissing()) {
      return Semantic.EXECUTE_ALL;
    }
    requireObject(options);
    DataNode s = options.field("evaluations_semantic");
    if (s.isMissing()) {
      return Semantic.EXECUTE_ALL;
    }
    String value = s.string();
    return Semantic.parse(value).orElseThrow(() -> s.error("`" + value + "` is not an evaluations semantic; use "
        + String.join(", ", Arrays.stream(Semantic.values()).map(Semantic::json).toList())));
  }

  private static void requireObject(DataNode n) {
    if (!n.node().isObject()) {
      throw n.error("expected an object, got " + n.describe());
    }
  }

  private static String text(DataNode n) {
    String s = n.string();
    if (s.isEmpty()) {
      throw n.error("cannot be empty");
    }
    return s;
  }
}
