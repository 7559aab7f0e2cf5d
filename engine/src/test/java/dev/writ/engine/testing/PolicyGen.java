package dev.writ.engine.testing;

import dev.writ.engine.testing.SchemaModel.IntentModel;
import dev.writ.engine.testing.SchemaModel.Param;
import dev.writ.engine.testing.SchemaModel.TypeDef;
import dev.writ.engine.testing.SchemaModel.VT;
import dev.writ.language.vocab.EntityKind;
import dev.writ.language.source.SourceFile;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Generates policy source text: a schema (strict mode) or none (dynamic mode), intents with
 * typed parameters, patterns, envelopes and limits, and grant and forbid rules that use every
 * clause, with clauses in random order. The text is split into chunks (one declaration each)
 * assigned to packages, so that it can be laid out in files in different orders.
 */
public final class PolicyGen {

  /** One declaration of source text, and the package its file must have (rules only; null: any file). */
  public record Chunk(String text, String pkg) {}

  public record Generated(SchemaModel model, List<Chunk> chunks, List<String> packages) {
    /** Lays the chunks out in files: one or two files per package, declarations spread over them. */
    public List<SourceFile> files(Rand r) {
      Map<String, List<List<String>>> byPackage = new LinkedHashMap<>();
      for (String p : packages) {
        List<List<String>> files = new ArrayList<>();
        int n = r.chance(0.3) ? 2 : 1;
        for (int i = 0; i < n; i++) {
          files.add(new ArrayList<>());
        }
        byPackage.put(p, files);
      }
      List<List<String>> all = new ArrayList<>();
      byPackage.values().forEach(all::addAll);
      for (Chunk c : chunks) {
        List<List<String>> candidates = c.pkg() == null ? all : byPackage.get(c.pkg());
        candidates.get(r.nextInt(candidates.size())).add(c.text());
      }
      List<String> dirs = List.of("", "a/", "b/", "a/c/", "z/");
      List<SourceFile> out = new ArrayList<>();
      Set<String> used = new LinkedHashSet<>();
      int i = 0;
      for (Map.Entry<String, List<List<String>>> e : byPackage.entrySet()) {
        for (List<String> content : e.getValue()) {
          r.shuffle(content);
          String path;
          do {
            path = r.pick(dirs) + "f" + r.between(0, 99) + ".policy";
          } while (!used.add(path));
          String header = e.getKey().isEmpty() ? "" : "package " + e.getKey() + "\n\n";
          out.add(new SourceFile(path, header + String.join("\n\n", content) + "\n"));
          i++;
        }
      }
      out.sort(java.util.Comparator.comparing(SourceFile::path));
      return out;
    }
  }

  /**
   * With {@code -Dwrit.gen.knownDifferences=true} the generators also make the inputs on which
   * the plan evaluator is known to differ from the reference (see AbstractDeciderTest's
   * {@code knownDifferences}): IPv6 addresses in mixed notation, the size of a string with
   * characters outside the BMP. Off by default, so that these do not hide other differences.
   */
  public static final boolean KNOWN_DIFFERENCES = Boolean.parseBoolean(System.getProperty("writ.gen.knownDifferences", "true"));

  private final Rand r;
  private final SchemaModel m;
  private final ExprGen exprs;

  private PolicyGen(Rand r, SchemaModel m) {
    this.r = r;
    this.m = m;
    this.exprs = new ExprGen(r, m);
  }

  /** A bundle with about {@code size} rules (1 to 12 or so). */
  public static Generated generate(Rand r, int size, boolean strict) {
    SchemaModel m = new SchemaModel(r, strict);
    return new PolicyGen(r, m).bundle(size);
  }

  /**
   * One more rule for a bundle generated from {@code m} (in a file without a package): a grant
   * or a forbid over the same schema and intents, named {@code name}.
   */
  public static String extraRule(Rand r, SchemaModel m, String name, boolean grant) {
    synchronized (m) {
      int rules = m.rules.size();
      String text = new PolicyGen(r, m).rule(name, name, grant);
      // The model describes the generated bundle (pooled, shared by tests): the extra rule is not part of it.
      m.rules.subList(rules, m.rules.size()).clear();
      return text;
    }
  }

  private Generated bundle(int size) {
    List<Chunk> chunks = new ArrayList<>();
    m.declarations().forEach(d -> chunks.add(new Chunk(d, null)));
    int intents = r.between(0, 3);
    List<String> names = new ArrayList<>(List.of("incident", "maintenance", "audit", "deploy"));
    r.shuffle(names);
    for (int i = 0; i < intents; i++) {
      chunks.add(new Chunk(intent(names.get(i)), null));
    }
    List<String> packages = new ArrayList<>(List.of(""));
    if (r.chance(0.4)) {
      packages.add("acme.prod");
    }
    if (r.chance(0.2)) {
      packages.add("ops");
    }
    int rules = 1 + r.between(Math.max(0, size - 2), size + 1);
    for (int i = 0; i < rules; i++) {
      boolean grant = r.chance(0.72);
      String pkg = r.pick(packages);
      String name = (grant ? "g" : "f") + i;
      chunks.add(new Chunk(rule(name, pkg.isEmpty() ? name : pkg + "." + name, grant), pkg));
    }
    return new Generated(m, chunks, packages);
  }

  // ---- intents ----------------------------------------------------------------------------

  private String intent(String name) {
    Map<String, Param> params = new LinkedHashMap<>();
    for (Map.Entry<String, VT> p : SchemaModel.PARAMS.entrySet()) {
      boolean ticket = p.getKey().equals("ticket");
      if (ticket ? r.chance(0.8) : r.chance(0.4)) {
        boolean optional = ticket ? r.chance(0.2) : r.chance(0.7);
        String pattern = ticket && r.chance(0.6) ? r.oneOf("^INC-[0-9]+$", "[A-Z]+-[0-9]+", "INC-.*") : null;
        params.put(p.getKey(), new Param(p.getKey(), p.getValue(), optional, pattern));
      }
    }
    Long max = r.chance(0.5) ? r.oneOf(1800L, 3600L, 4 * 3600L, 86400L) : null;
    IntentModel model = new IntentModel(name, params, max, new ArrayList<>());
    m.intents.add(model);

    List<String> clauses = new ArrayList<>();
    if (r.chance(0.5)) {
      clauses.add("description " + Gens.quote("the " + name + " task"));
    }
    for (Param p : params.values()) {
      clauses.add("param " + p.name() + (p.optional() ? "?" : "") + ": " + p.type().text
          + (p.pattern() == null ? "" : " matches " + Gens.quote(p.pattern())));
    }
    int allows = r.between(1, 3);
    for (int i = 0; i < allows; i++) {
      clauses.add(allow(model));
    }
    if (max != null) {
      clauses.add("max " + Gens.duration(max));
    }
    if (r.chance(0.3)) {
      clauses.add("on drift " + r.oneOf("deny", "revoke"));
    }
    r.shuffle(clauses);
    return "intent " + name + " {\n  " + String.join("\n  ", clauses) + "\n}";
  }

  private String allow(IntentModel intent) {
    Selected on = r.chance(0.4) ? resourceSelector() : null;
    List<String> items = actionItems(on == null ? null : on.types, r.between(1, 2));
    Set<String> resources = on != null ? on.types : m.resourceTypesOf(concreteAll(items));
    intent.allows().add(new SchemaModel.AllowModel(items, on == null ? null : on.alts));
    StringBuilder s = new StringBuilder("allow ").append(String.join(", ", items.stream().map(Gens::quote).toList()));
    if (on != null) {
      s.append(" on ").append(on.text);
    }
    if (r.chance(0.4)) {
      ExprGen.Scope scope = new ExprGen.Scope(new LinkedHashSet<>(m.principalTypes()), resources, List.of(intent));
      s.append(" when ").append(exprs.condition(scope, r.between(0, 2)));
    }
    return s.toString();
  }

  // ---- rules ------------------------------------------------------------------------------

  private String rule(String name, String fullName, boolean grant) {
    List<String> clauses = new ArrayList<>();
    Selected principal = r.chance(0.85) ? principalSelector() : null;
    Selected resource = r.chance(0.6) ? resourceSelector() : null;
    List<String> items = r.chance(0.8) ? actionItems(resource == null ? null : resource.types, r.between(1, 2)) : null;
    List<IntentModel> intents = null;
    if (!m.intents.isEmpty() && r.chance(0.35)) {
      intents = r.some(m.intents, r.between(1, 2));
    }

    Set<String> principalTypes = principal != null ? principal.types : new LinkedHashSet<>(m.principalTypes());
    Set<String> resourceTypes;
    if (resource != null) {
      resourceTypes = resource.types;
    } else if (items == null || items.stream().anyMatch(i -> i.endsWith("*"))) {
      resourceTypes = new LinkedHashSet<>(m.resourceTypes());
    } else {
      resourceTypes = m.resourceTypesOf(concreteAll(items));
    }
    ExprGen.Scope scope = new ExprGen.Scope(principalTypes, resourceTypes, intents);

    if (principal != null) {
      clauses.add("principal " + principal.text);
    }
    if (items != null) {
      clauses.add("action " + String.join(", ", items.stream().map(Gens::quote).toList()));
    }
    if (resource != null) {
      clauses.add("resource " + resource.text + (r.chance(0.3) ? " when " + (grant ? exprs.likely(scope, 1)
          : exprs.condition(scope, r.between(0, 1))) : ""));
    }
    if (intents != null) {
      clauses.add("intent " + String.join(", ", intents.stream().map(IntentModel::name).toList()));
    }
    int conditions = grant ? r.oneOf(0, 0, 0, 1, 1, 1, 2, 2, 3) : r.oneOf(0, 1, 1, 1, 1, 2, 2);
    for (int i = 0; i < conditions; i++) {
      boolean when = r.chance(0.7);
      clauses.add(when ? "when " + (grant ? exprs.likely(scope, r.between(0, 2)) : exprs.condition(scope, r.between(0, 2)))
          : "unless " + exprs.condition(scope, r.between(0, 2)));
    }
    List<String> delegateKinds = null;
    int delegateDepth = 0;
    List<String[]> approvalsFrom = new ArrayList<>();
    if (grant) {
      if (r.chance(0.75)) {
        clauses.add("ttl " + r.oneOf("15m", "1h", "2h", "4h", "8h", "1d", "1h30m"));
      } else if (r.chance(0.4)) {
        clauses.add("standing " + Gens.quote("standing on purpose: rule " + name));
      }
      int approvals = r.chance(0.35) ? r.between(1, 2) : 0;
      for (int i = 0; i < approvals; i++) {
        String count = r.chance(0.35) ? r.between(1, 3) + " of " : "";
        String[] fromUid = r.chance(0.85) ? new String[] {"Team", r.pick(m.types.get("Team").ids())}
            : new String[] {"Employee", r.pick(m.types.get("Employee").ids())};
        approvalsFrom.add(fromUid);
        String from = Gens.entity(fromUid[0], fromUid[1]);
        String where = r.chance(0.35) ? " where " + exprs.condition(scope, r.between(0, 1)) : "";
        clauses.add("approval " + count + from + where);
      }
      if (r.chance(0.35)) {
        delegateKinds = r.some(List.of("human", "machine", "agent", "any"), r.between(1, 2));
        delegateDepth = r.between(1, 3);
        clauses.add("delegate " + String.join(", ", delegateKinds) + " depth " + delegateDepth);
      }
    }
    int obligations = r.chance(0.3) ? r.between(1, 2) : 0;
    for (int i = 0; i < obligations; i++) {
      clauses.add("obligation " + r.oneOf("notify \"#sec\"", "notify \"#db\"", "log", "record \"audit\"",
          "group \"x\""));
    }
    if (r.chance(0.15)) {
      clauses.add("description " + Gens.quote("rule " + name));
    }
    if (r.chance(0.1)) {
      clauses.add("owner \"team:platform\"");
    }
    if (r.chance(0.1)) {
      clauses.add("controls \"NIST-1\", \"OWASP-2\"");
    }
    if (!grant && r.chance(0.2)) {
      clauses.add("reason \"not allowed\"");
    }
    m.rules.add(new SchemaModel.RuleModel(fullName, grant, principal == null ? null : principal.alts, items,
        resource == null ? null : resource.alts, intents == null ? null : intents.stream().map(IntentModel::name).toList(),
        delegateKinds, delegateDepth, approvalsFrom));
    r.shuffle(clauses);
    String sep = r.chance(0.5) ? "\n  " : " ";
    return (grant ? "grant " : "forbid ") + name + " {" + sep + String.join(sep, clauses) + (sep.equals(" ") ? " }"
        : "\n}");
  }

  /** Selector text and the entity types it admits. */
  private record Selected(String text, Set<String> types, List<SchemaModel.Alt> alts) {}

  private Selected principalSelector() {
    int alts = r.chance(0.75) ? 1 : 2;
    List<String> texts = new ArrayList<>();
    Set<String> types = new LinkedHashSet<>();
    List<SchemaModel.Alt> models = new ArrayList<>();
    for (int i = 0; i < alts; i++) {
      Set<String> admitted = new LinkedHashSet<>();
      String text;
      String kind = null;
      String type = null;
      String id = null;
      int pick = r.between(0, 9);
      if (pick < 4) {
        kind = r.oneOf("human", "machine", "agent", "any", "agent", "human");
        text = kind;
        admitted.addAll(kind.equals("any") ? m.principalTypes()
            : m.typesOfKind(EntityKind.fromKeyword(kind)));
      } else {
        TypeDef t = m.types.get(r.pick(m.principalTypes()));
        admitted.add(t.name());
        type = t.name();
        id = pick < 8 ? null : r.chance(0.05) ? "ghost" : r.pick(t.ids());
        text = id == null ? t.name() : Gens.entity(t.name(), id);
      }
      String[] in = r.chance(0.2) ? membership(admitted) : null;
      if (in != null) {
        text += " in " + Gens.entity(in[0], in[1]);
        admitted.removeIf(t -> !m.mayBeMemberOf(t, in[0]));
      }
      // `delegated`: the alternative admits its principals only when they act under a delegation.
      texts.add(r.chance(0.12) ? "delegated " + text : text);
      types.addAll(admitted);
      models.add(new SchemaModel.Alt(kind, type, id, in == null ? null : in[0], in == null ? null : in[1]));
    }
    return new Selected(String.join(", ", texts), types, models);
  }

  private Selected resourceSelector() {
    int alts = r.chance(0.8) ? 1 : 2;
    List<String> texts = new ArrayList<>();
    Set<String> types = new LinkedHashSet<>();
    List<SchemaModel.Alt> models = new ArrayList<>();
    for (int i = 0; i < alts; i++) {
      Set<String> admitted = new LinkedHashSet<>();
      String text;
      String kind = null;
      String type = null;
      String id = null;
      int pick = r.between(0, 9);
      if (pick < 2) {
        kind = "any";
        text = "any";
        admitted.addAll(m.resourceTypes());
      } else {
        TypeDef t = m.types.get(r.pick(m.resourceTypes()));
        admitted.add(t.name());
        type = t.name();
        id = pick < 7 ? null : r.chance(0.05) ? "ghost" : r.pick(t.ids());
        text = id == null ? t.name() : Gens.entity(t.name(), id);
      }
      String[] in = r.chance(0.2) ? membership(admitted) : null;
      if (in != null) {
        text += " in " + Gens.entity(in[0], in[1]);
        admitted.removeIf(t -> !m.mayBeMemberOf(t, in[0]));
      }
      texts.add(text);
      types.addAll(admitted);
      models.add(new SchemaModel.Alt(kind, type, id, in == null ? null : in[0], in == null ? null : in[1]));
    }
    return new Selected(String.join(", ", texts), types, models);
  }

  /** {@code Team::"x"} or {@code Cluster::"x"} (type, id) that at least one of the types may be in (or null). */
  private String[] membership(Set<String> admitted) {
    List<String> groups = new ArrayList<>();
    for (String g : List.of("Team", "Cluster")) {
      if (!m.strict || admitted.isEmpty() || admitted.stream().anyMatch(t -> m.mayBeMemberOf(t, g))) {
        groups.add(g);
      }
    }
    if (groups.isEmpty()) {
      return null;
    }
    String g = r.pick(groups);
    return new String[] {g, r.chance(0.05) ? "ghost" : r.pick(m.types.get(g).ids())};
  }

  /** Action items that apply to at least one of the resource types (null: no constraint). */
  private List<String> actionItems(Set<String> resourceTypes, int n) {
    List<String> pool = new ArrayList<>();
    for (String item : m.actionItems()) {
      if (resourceTypes == null || !m.strict || m.itemAppliesTo(item, resourceTypes)) {
        pool.add(item);
      }
    }
    List<String> out = r.some(pool, n);
    if (out.isEmpty()) {
      out.add("*");
    }
    return out;
  }

  private Set<String> concreteAll(List<String> items) {
    Set<String> out = new LinkedHashSet<>();
    items.forEach(i -> out.addAll(m.concrete(i)));
    return out;
  }
}
