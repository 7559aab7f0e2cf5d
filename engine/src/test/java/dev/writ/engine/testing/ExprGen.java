package dev.writ.engine.testing;

import dev.writ.engine.testing.SchemaModel.Attr;
import dev.writ.engine.testing.SchemaModel.IntentModel;
import dev.writ.engine.testing.SchemaModel.VT;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Generates expression text that the checker accepts for a given scope (strict mode: typed
 * against the admitted principal and resource types and the rule's intents), but that can
 * still fail at run time: context fields that are missing or of another type, optional
 * attributes read without a guard, overflow, malformed times and durations, `request.duration`
 * without a duration, `intent` without an intent, tags read without {@code hasTag} (Cedar's
 * entity tags: keys present on some entities, absent on others, and one no entity has). In
 * dynamic mode it also mixes types freely.
 */
final class ExprGen {
  /** What expressions of one rule (or one intent `allow`) may refer to. */
  record Scope(Set<String> principalTypes, Set<String> resourceTypes, List<IntentModel> intents) {}

  enum Ty { BOOL, INT, STRING, DURATION, TIME, SET_STRING, ENTITY, SET_ENTITY }

  private final Rand r;
  private final SchemaModel m;
  private Scope scope;

  ExprGen(Rand r, SchemaModel m) {
    this.r = r;
    this.m = m;
  }

  /** A Bool condition. */
  String condition(Scope s, int depth) {
    this.scope = s;
    return bool(depth);
  }

  /** A Bool condition that holds more often than not (for the `when`s of grants, so that grants apply often). */
  String likely(Scope s, int depth) {
    this.scope = s;
    if (!r.chance(0.6)) {
      return bool(depth);
    }
    List<String> options = new ArrayList<>(List.of(
        "delegation.depth <= 2", "weekday(request.time) <= 6", "hour(request.time) >= 3",
        "action like \"*:*\"", "!(context has flag) || context.flag", "context has mfa && context.mfa",
        "context.mfa == true", "principal != resource", "resource in [Cluster::\"prod\", Cluster::\"global\", "
            + "Team::\"root\", Team::\"eng\"] || action != \"s3:put\"",
        "principal in Team::\"root\" || principal in Team::\"eng\" || principal in Team::\"sre\""));
    if (!m.strict || m.commonAttr(s.principalTypes(), "level") != null) {
      options.add("principal.level >= " + r.between(0, 2));
    }
    if (!m.strict || m.commonAttr(s.resourceTypes(), "env") != null) {
      options.add("resource.env != \"dev\"");
      options.add("resource.env " + r.oneOf("==", "!=") + " \"prod\"");
    }
    if (!m.strict || m.commonAttr(s.resourceTypes(), "tags") != null) {
      options.add("!resource.tags.contains(\"legal-hold\")");
    }
    if (!m.strict || m.commonAttr(s.principalTypes(), "mfa") != null) {
      options.add("principal has mfa && principal.mfa");
    }
    for (String who : taggable()) {
      String x = tagTarget(who);
      options.add(x + ".hasTag(\"owner\") || " + x + ".hasTag(\"tier\")");
      options.add(x + ".hasTag(" + Gens.quote(r.pick(SchemaModel.TAG_KEYS)) + ")");
      options.add(tagTest());
    }
    return r.pick(options);
  }

  private static String p(String e) {
    return "(" + e + ")";
  }

  private String gen(Ty t, int depth) {
    if (!m.strict && r.chance(0.06)) {
      t = r.pick(List.of(Ty.values())); // dynamic mode: anything goes; mistakes surface at run time
    }
    return switch (t) {
      case BOOL -> bool(depth);
      case INT -> intE(depth);
      case STRING -> string(depth);
      case DURATION -> duration(depth);
      case TIME -> time(depth);
      case SET_STRING -> setString(depth);
      case ENTITY -> entity(depth);
      case SET_ENTITY -> setEntity();
    };
  }

  // ---- Bool ---------------------------------------------------------------------------------

  private String bool(int depth) {
    List<Supplier<String>> options = new ArrayList<>();
    if (depth > 0) {
      options.add(() -> p(bool(depth - 1)) + " && " + p(bool(depth - 1)));
      options.add(() -> p(bool(depth - 1)) + " || " + p(bool(depth - 1)));
      options.add(() -> "!" + p(bool(depth - 1)));
      options.add(this::guarded);
      options.add(this::guarded);
    }
    for (int i = 0; i < 3; i++) {
      options.add(() -> compare(depth));
    }
    options.add(() -> membership(depth));
    options.add(() -> membership(depth));
    options.add(() -> p(string(depth > 0 ? depth - 1 : 0)) + " like " + r.oneOf("\"s*\"", "\"*o*\"", "\"prod\"",
        "\"db:*\"", "\"a\\*b\"", "\"*\"", "\"d*v\"", "\"a.b\"", "\"a\\\\b\"", "\"**\"", "\"\""));
    options.add(() -> p(string(depth > 0 ? depth - 1 : 0)) + " matches " + r.oneOf("\"^(prod|dev)$\"", "\"s.*\"",
        "\"[a-z]+\"", "\"INC-[0-9]+\"", "\"db:(select|insert)\""));
    options.add(() -> p(setString(0)) + "." + r.oneOf("contains(" + string(0) + ")",
        "containsAll(" + setString(0) + ")", "containsAny(" + setString(0) + ")"));
    options.add(this::has);
    options.add(this::has);
    options.add(() -> "cidr(" + r.oneOf("context.ip", "context[\"source-ip\"]", "\"10.1.2.3\"") + ", "
        + r.oneOf("\"10.0.0.0/8\"", "\"192.168.0.0/16\"", "\"2001:db8::/32\"", "\"10.1.2.3/32\"") + ")");
    options.add(() -> r.oneOf("context.flag", "context.mfa", "context.flag == true", "context.mfa == false",
        "size(context.s) == " + r.oneOf(5, 6)));
    options.add(() -> r.oneOf("true", "false"));
    options.add(this::isTest);
    options.add(this::recordTest);
    options.add(this::recordTest);
    options.add(this::extensionTest);
    options.add(this::extensionTest);
    if (depth > 0) {
      options.add(() -> p("if " + bool(depth - 1) + " then " + bool(depth - 1) + " else " + bool(depth - 1)));
    }
    attrRead("principal", scope.principalTypes(), VT.BOOL).ifPresent(s -> options.add(() -> s));
    attrRead("resource", scope.resourceTypes(), VT.BOOL).ifPresent(s -> options.add(() -> s));
    param(VT.BOOL).ifPresent(s -> options.add(() -> s));
    if (!taggable().isEmpty()) {
      options.add(this::tagTest);
      options.add(this::tagTest);
      options.add(this::tagTest);
    }
    tagRead(VT.BOOL).ifPresent(s -> options.add(() -> s));
    return r.pick(options).get();
  }

  private String compare(int depth) {
    int d = depth > 0 ? depth - 1 : 0;
    Ty t = r.oneOf(Ty.INT, Ty.INT, Ty.INT, Ty.STRING, Ty.STRING, Ty.DURATION, Ty.TIME, Ty.ENTITY, Ty.ENTITY,
        Ty.SET_STRING, Ty.BOOL);
    boolean ordered = t == Ty.INT || t == Ty.DURATION || t == Ty.TIME;
    String op = ordered && r.chance(0.7) ? r.oneOf("<", "<=", ">", ">=") : r.oneOf("==", "!=");
    if (t == Ty.BOOL) {
      return p(bool(d)) + " " + op + " " + p(bool(d));
    }
    return p(gen(t, d)) + " " + op + " " + p(gen(t, d));
  }

  private String membership(int depth) {
    return switch (r.between(0, 6)) {
      case 6 -> "action in " + r.oneOf("[\"db:select\", \"s3:get\"]", "[\"logs:read\", \"db:insert\", \"s3:put\"]",
          "[]");
      case 0, 1 -> p(entity(0)) + " in " + groupLiteral();
      case 2 -> p(entity(0)) + " in " + setEntity();
      case 3 -> p(string(depth > 0 ? depth - 1 : 0)) + " in " + p(setString(0));
      case 4 -> "principal in " + r.oneOf("resource", "delegation.root", groupLiteral());
      default -> r.oneOf("principal", "resource") + " in " + groupLiteral();
    };
  }

  /** Cedar's decimal, ipaddr and datetime methods, on literals and on context strings that may be malformed. */
  private String extensionTest() {
    String dec = r.oneOf("decimal(context.risk)", "decimal(\"0.75\")", "decimal(\"1.2345\")", "decimal(\"-0.5\")",
        "decimal(\"0.7500\")");
    String ipAddr = r.oneOf("ip(context.ip)", "ip(\"10.1.2.3\")", "ip(\"127.0.0.1\")", "ip(\"::1\")",
        "ip(\"ff02::1\")", "ip(\"224.0.0.9\")", "ip(\"10.0.0.0/8\")", "ip(\"2001:db8::/32\")");
    return switch (r.between(0, 4)) {
      case 0 -> dec + "." + r.oneOf("lessThan", "lessThanOrEqual", "greaterThan", "greaterThanOrEqual") + "(" + dec + ")";
      case 1 -> dec + " " + r.oneOf("==", "!=") + " " + dec;
      case 2 -> ipAddr + "." + r.oneOf("isIpv4()", "isIpv6()", "isLoopback()", "isMulticast()",
          "isInRange(" + ipAddr + ")", "isInRange(" + ipAddr + ")");
      case 3 -> ipAddr + " == " + ipAddr;
      default -> p(time(1)) + " " + r.oneOf("<", ">=", "==") + " " + p(time(1));
    };
  }

  /** Record literals, nested reads of {@code context.r}, {@code has a.b} and record equality. */
  private String recordTest() {
    return switch (r.between(0, 5)) {
      case 0 -> "context.r " + r.oneOf("==", "!=") + " " + r.oneOf("{x: 1}", "{x: 2, y: {z: \"prod\"}}", "{}",
          "{x: context.n}", "{y: {z: \"prod\"}, x: 2}");
      case 1 -> "context has " + r.oneOf("r.x", "r.y.z", "r.y", "r.nothing", "nothing.x");
      case 2 -> "context.r." + r.oneOf("x == 1", "y.z == \"prod\"", "x * 2 == 4", "y == {z: \"prod\"}");
      case 3 -> "{a: " + p(intE(0)) + ", b: " + p(string(0)) + "}." + r.oneOf("a >= 1", "b == \"prod\"");
      case 4 -> "{\"k-1\": " + p(entity(0)) + "}[\"k-1\"] == " + p(entity(0));
      default -> p(entity(0)) + " == " + p(entity(0)) + " && {e: principal} == {e: " + p(entity(0)) + "}";
    };
  }

  /** {@code e is T} and {@code e is T in E}, on entities of the model's types (context values in dynamic mode). */
  private String isTest() {
    String operand = !m.strict && r.chance(0.1) ? "context.n" : p(entity(0));
    String type = r.pick(new ArrayList<>(m.types.keySet()));
    if (r.chance(0.4)) {
      return operand + " is " + type + " in " + (r.chance(0.7) ? groupLiteral() : setEntity());
    }
    return operand + " is " + type;
  }

  private String has() {
    List<Supplier<String>> options = new ArrayList<>();
    options.add(() -> "context has " + r.oneOf("flag", "n", "s", "t", "d", "ip", "mfa", "r", "nothing",
        "\"source-ip\"", "\"n\""));
    for (String who : List.of("principal", "resource")) {
      Set<String> types = who.equals("principal") ? scope.principalTypes() : scope.resourceTypes();
      List<String> pool = new ArrayList<>(who.equals("principal") ? SchemaModel.PRINCIPAL_ATTRS.keySet()
          : SchemaModel.RESOURCE_ATTRS.keySet());
      List<String> ok = pool.stream().filter(a -> !m.strict || m.someDeclares(types, a)).toList();
      if (!ok.isEmpty()) {
        options.add(() -> who + " has " + (r.chance(0.15) ? Gens.quote(r.pick(ok)) : r.pick(ok)));
      }
    }
    List<String> params = new ArrayList<>(SchemaModel.PARAMS.keySet());
    List<String> okParams = params.stream().filter(x -> !m.strict || scope.intents() == null
        || scope.intents().stream().anyMatch(i -> i.params().containsKey(x))).toList();
    if (!okParams.isEmpty()) {
      options.add(() -> "intent has " + r.pick(okParams));
    }
    return r.pick(options).get();
  }

  /** {@code X has a && <something reading X.a>}: the guard the linter wants. */
  private String guarded() {
    String who = r.oneOf("principal", "resource");
    Set<String> types = who.equals("principal") ? scope.principalTypes() : scope.resourceTypes();
    List<String> pool = new ArrayList<>(who.equals("principal") ? SchemaModel.PRINCIPAL_ATTRS.keySet()
        : SchemaModel.RESOURCE_ATTRS.keySet());
    r.shuffle(pool);
    for (String a : pool) {
      Attr attr = m.commonAttr(types, a);
      // `has` narrows in strict mode: a guarded read is accepted when only some admitted types declare it.
      if (attr != null || !m.strict || m.someDeclares(types, a)) {
        VT vt = attr != null ? attr.type() : (who.equals("principal") ? SchemaModel.PRINCIPAL_ATTRS.get(a)
            : SchemaModel.RESOURCE_ATTRS.get(a));
        String read = who + "." + a;
        return who + " has " + a + " && " + p(use(read, vt));
      }
    }
    return "context has n && context.n > 2";
  }

  /** A Bool expression that uses a value of this type. */
  private String use(String read, VT vt) {
    return switch (vt) {
      case INT -> read + " " + r.oneOf(">", "<=", "==") + " " + r.between(0, 4);
      case STRING -> read + r.oneOf(" == \"prod\"", " like \"s*\"", " != \"dev\"");
      case BOOL -> read;
      case DURATION -> read + " >= " + r.oneOf("1h", "30m", "1d");
      case TIME -> read + " < request.time";
      case SET_STRING -> read + ".contains(\"pii\")";
      case EMPLOYEE -> read + r.oneOf(" in Team::\"sre\"", ".level > 1", " == principal", ".dept == \"sre\"");
      case SET_EMPLOYEE -> read + ".contains(principal)";
    };
  }

  /**
   * {@code x.hasTag(k)}, alone or guarding a use of {@code x.getTag(k)} (with {@code &&} or as
   * {@code !x.hasTag(k) || ...}), an unguarded use (an evaluation error when the tag is
   * missing), and {@code x.getTag(k)} compared with a value of the tag type.
   */
  private String tagTest() {
    String who = r.pick(taggable());
    Set<String> types = who.equals("principal") ? scope.principalTypes() : scope.resourceTypes();
    String x = tagTarget(who);
    String key = tagKey();
    String has = x + ".hasTag(" + key + ")";
    String read = x + ".getTag(" + key + ")";
    VT vt = m.strict ? m.commonTagType(types) : r.pick(SchemaModel.TAG_TYPES);
    if (vt == null) {
      // the types' tag types differ: the checker types the read as dynamic, a use may fail at run time
      vt = r.pick(types.stream().map(t -> m.types.get(t).tagType()).distinct().toList());
    }
    return switch (r.between(0, 5)) {
      case 0 -> has;
      case 1, 2 -> has + " && " + p(r.chance(0.5) ? use(read, vt) : compareTag(read, vt));
      case 3 -> "!" + p(has) + " || " + p(use(read, vt));
      case 4 -> use(read, vt);
      default -> compareTag(read, vt);
    };
  }

  /** A tag value compared with a value of its type. */
  private String compareTag(String read, VT vt) {
    return switch (vt) {
      case INT -> p(read) + " " + r.oneOf("<", "<=", ">", ">=", "==", "!=") + " " + p(intE(0));
      case BOOL -> p(read) + " " + r.oneOf("==", "!=") + " " + p(bool(0));
      case SET_STRING -> r.chance(0.5) ? p(read) + " " + r.oneOf("==", "!=") + " " + p(setString(0))
          : p(read) + ".containsAny(" + setString(0) + ")";
      default -> p(read) + " " + r.oneOf("==", "!=") + " " + p(string(0));
    };
  }

  /** Who tag methods may be called on: in strict mode, principal or resource when each admitted type declares tags. */
  private List<String> taggable() {
    List<String> out = new ArrayList<>();
    if (!m.strict || m.allDeclareTags(scope.principalTypes())) {
      out.add("principal");
    }
    if (!m.strict || m.allDeclareTags(scope.resourceTypes())) {
      out.add("resource");
    }
    return out;
  }

  private String tagTarget(String who) {
    return who.equals("principal") && r.chance(0.1) ? "delegation.root" : who; // same static type as principal
  }

  /** A key that some entities have, or one that none has; now and then read from the context (maybe not a String). */
  private String tagKey() {
    if (r.chance(0.08)) {
      return r.oneOf("context.s", "context.n");
    }
    return Gens.quote(r.pick(SchemaModel.TAG_KEYS_ASKED));
  }

  /** {@code x.getTag(k)} with tags of this type on every admitted type of x (any x in dynamic mode). */
  private java.util.Optional<String> tagRead(VT vt) {
    List<String> ok = new ArrayList<>();
    for (String who : taggable()) {
      Set<String> types = who.equals("principal") ? scope.principalTypes() : scope.resourceTypes();
      if (!m.strict || m.commonTagType(types) == vt) {
        ok.add(who);
      }
    }
    if (ok.isEmpty()) {
      return java.util.Optional.empty();
    }
    return java.util.Optional.of(tagTarget(r.pick(ok)) + ".getTag(" + tagKey() + ")");
  }

  // ---- other types ----------------------------------------------------------------------------

  private String intE(int depth) {
    List<Supplier<String>> options = new ArrayList<>();
    options.add(() -> Integer.toString(r.between(0, 5)));
    options.add(() -> "context.n");
    options.add(() -> "delegation.depth");
    options.add(() -> "size(" + r.oneOf(p(setString(0)), p(string(0))) + ")");
    options.add(() -> r.oneOf("hour", "weekday") + "(" + time(0) + ")");
    options.add(() -> p(duration(0)) + "." + r.oneOf("toDays()", "toHours()", "toMinutes()", "toSeconds()",
        "toMilliseconds()"));
    attrRead("principal", scope.principalTypes(), VT.INT).ifPresent(s -> options.add(() -> s));
    attrRead("principal", scope.principalTypes(), VT.INT).ifPresent(s -> options.add(() -> s));
    attrRead("resource", scope.resourceTypes(), VT.INT).ifPresent(s -> options.add(() -> s));
    employeeRead().ifPresent(s -> options.add(() -> s + ".level"));
    param(VT.INT).ifPresent(s -> options.add(() -> s));
    tagRead(VT.INT).ifPresent(s -> options.add(() -> s));
    if (depth > 0) {
      options.add(() -> p(intE(depth - 1)) + r.oneOf(" + ", " - ") + p(intE(depth - 1)));
      options.add(() -> "9223372036854775800 + " + p(intE(depth - 1))); // overflows now and then
      options.add(() -> p(intE(depth - 1)) + " * " + p(intE(depth - 1)));
      options.add(() -> "4611686018427387904 * " + p(intE(depth - 1))); // overflows unless 0 or 1
      options.add(() -> p("if " + bool(depth - 1) + " then " + intE(depth - 1) + " else " + intE(depth - 1)));
      options.add(() -> "-" + p(intE(depth - 1)));
    }
    return r.pick(options).get();
  }

  private String string(int depth) {
    List<Supplier<String>> options = new ArrayList<>();
    options.add(() -> Gens.quote(r.oneOf("prod", "dev", "sre", "data", "pii", "x", "", "db:select")));
    options.add(() -> "action");
    options.add(() -> r.oneOf("context.s", "context[\"source-ip\"]", "context.n"));
    options.add(() -> "intent.name");
    attrRead("principal", scope.principalTypes(), VT.STRING).ifPresent(s -> options.add(() -> s));
    attrRead("resource", scope.resourceTypes(), VT.STRING).ifPresent(s -> options.add(() -> s));
    attrRead("resource", scope.resourceTypes(), VT.STRING).ifPresent(s -> options.add(() -> s));
    employeeRead().ifPresent(s -> options.add(() -> s + ".dept"));
    param(VT.STRING).ifPresent(s -> options.add(() -> s));
    tagRead(VT.STRING).ifPresent(s -> options.add(() -> s));
    if (depth > 0) {
      options.add(() -> "lower(" + string(depth - 1) + ")");
      options.add(() -> p("if " + bool(depth - 1) + " then " + string(depth - 1) + " else " + string(depth - 1)));
    }
    return r.pick(options).get();
  }

  private String duration(int depth) {
    List<Supplier<String>> options = new ArrayList<>();
    options.add(() -> r.oneOf("30m", "1h", "2h", "1d", "90s", "1h30m"));
    options.add(() -> "request.duration");
    options.add(() -> "duration(" + r.oneOf("context.d", "\"1h\"", "context.s") + ")");
    options.add(() -> p(time(0)) + "." + r.oneOf("toTime()", "durationSince(" + time(0) + ")"));
    attrRead("principal", scope.principalTypes(), VT.DURATION).ifPresent(s -> options.add(() -> s));
    attrRead("resource", scope.resourceTypes(), VT.DURATION).ifPresent(s -> options.add(() -> s));
    param(VT.DURATION).ifPresent(s -> options.add(() -> s));
    if (depth > 0) {
      options.add(() -> p(duration(depth - 1)) + r.oneOf(" + ", " - ") + p(duration(depth - 1)));
    }
    return r.pick(options).get();
  }

  private String time(int depth) {
    List<Supplier<String>> options = new ArrayList<>();
    options.add(() -> "request.time");
    options.add(() -> "request.time");
    options.add(() -> "time(" + r.oneOf("context.t", "\"2026-06-15T09:00:00Z\"", "\"2026-06-20T00:00:00Z\"") + ")");
    options.add(() -> "datetime(" + r.oneOf("context.dt", "\"2026-06-15\"", "\"2026-06-15T09:00:00.250Z\"",
        "\"2026-06-15T11:00:00+0200\"", "\"1969-12-31T23:59:59.500Z\"") + ")");
    options.add(() -> p(time(0)) + "." + r.oneOf("toDate()", "offset(" + duration(0) + ")"));
    attrRead("principal", scope.principalTypes(), VT.TIME).ifPresent(s -> options.add(() -> s));
    attrRead("resource", scope.resourceTypes(), VT.TIME).ifPresent(s -> options.add(() -> s));
    param(VT.TIME).ifPresent(s -> options.add(() -> s));
    if (depth > 0) {
      options.add(() -> p(time(depth - 1)) + r.oneOf(" + ", " - ") + p(duration(depth - 1)));
    }
    return r.pick(options).get();
  }

  private String setString(int depth) {
    List<Supplier<String>> options = new ArrayList<>();
    options.add(() -> r.oneOf("[\"pii\"]", "[\"pii\", \"public\"]", "[]", "[\"x\", \"legal-hold\"]", "[\"sre\", \"data\"]"));
    options.add(() -> "context.list");
    attrRead("principal", scope.principalTypes(), VT.SET_STRING).ifPresent(s -> options.add(() -> s));
    attrRead("resource", scope.resourceTypes(), VT.SET_STRING).ifPresent(s -> options.add(() -> s));
    attrRead("resource", scope.resourceTypes(), VT.SET_STRING).ifPresent(s -> options.add(() -> s));
    param(VT.SET_STRING).ifPresent(s -> options.add(() -> s));
    tagRead(VT.SET_STRING).ifPresent(s -> options.add(() -> s));
    return r.pick(options).get();
  }

  private String entity(int depth) {
    List<Supplier<String>> options = new ArrayList<>();
    options.add(() -> "principal");
    options.add(() -> "resource");
    options.add(() -> "delegation.root");
    options.add(this::anyEntityLiteral);
    employeeRead().ifPresent(s -> options.add(() -> s));
    return r.pick(options).get();
  }

  private String setEntity() {
    java.util.Optional<String> approvers = param(VT.SET_EMPLOYEE);
    if (approvers.isPresent() && r.chance(0.3)) {
      return approvers.get();
    }
    return r.chance(0.5) ? "delegation.chain"
        : "[" + groupLiteral() + ", " + anyEntityLiteral() + "]";
  }

  private String groupLiteral() {
    return r.chance(0.75) ? Gens.entity("Team", r.pick(m.types.get("Team").ids()))
        : Gens.entity("Cluster", r.pick(m.types.get("Cluster").ids()));
  }

  private String anyEntityLiteral() {
    SchemaModel.TypeDef t = r.pick(m.types.values());
    String id = r.chance(0.05) ? "ghost" : r.pick(t.ids());
    return Gens.entity(t.name(), id);
  }

  // ---- reads that depend on the scope ------------------------------------------------------

  /** {@code who.attr} for an attribute of this type that every admitted type has. */
  private java.util.Optional<String> attrRead(String who, Set<String> types, VT vt) {
    Set<String> pool = who.equals("principal") ? SchemaModel.PRINCIPAL_ATTRS.keySet()
        : SchemaModel.RESOURCE_ATTRS.keySet();
    List<String> ok = new ArrayList<>();
    for (String a : pool) {
      VT declared = who.equals("principal") ? SchemaModel.PRINCIPAL_ATTRS.get(a) : SchemaModel.RESOURCE_ATTRS.get(a);
      if (declared == vt && (!m.strict || m.commonAttr(types, a) != null)) {
        ok.add(a);
      }
    }
    if (ok.isEmpty()) {
      return java.util.Optional.empty();
    }
    String base = who;
    if (who.equals("principal") && r.chance(0.1)) {
      base = "delegation.root"; // same static type as principal
    }
    String attr = r.pick(ok);
    return java.util.Optional.of(r.chance(0.1) ? base + "[\"" + attr + "\"]" : base + "." + attr);
  }

  /** An Employee-valued read: {@code principal.manager}, {@code resource.owner}, {@code intent.lead}. */
  private java.util.Optional<String> employeeRead() {
    List<String> ok = new ArrayList<>();
    if (!m.strict || m.commonAttr(scope.principalTypes(), "manager") != null) {
      ok.add("principal.manager");
    }
    if (!m.strict || m.commonAttr(scope.resourceTypes(), "owner") != null) {
      ok.add("resource.owner");
    }
    param(VT.EMPLOYEE).ifPresent(ok::add);
    return ok.isEmpty() ? java.util.Optional.empty() : java.util.Optional.of(r.pick(ok));
  }

  /** {@code intent.x} for a parameter of this type that every intent of the scope declares. */
  private java.util.Optional<String> param(VT vt) {
    List<String> ok = new ArrayList<>();
    for (var e : SchemaModel.PARAMS.entrySet()) {
      if (e.getValue() != vt) {
        continue;
      }
      // Both modes check `intent.x` against the rule's intents; strict mode also needs an intent clause.
      if (!m.strict && scope.intents() == null) {
        ok.add(e.getKey());
      } else if (scope.intents() != null && !scope.intents().isEmpty()
          && scope.intents().stream().allMatch(i -> i.params().containsKey(e.getKey()))) {
        ok.add(e.getKey());
      }
    }
    if (ok.isEmpty()) {
      return java.util.Optional.empty();
    }
    return java.util.Optional.of("intent." + r.pick(ok));
  }
}
