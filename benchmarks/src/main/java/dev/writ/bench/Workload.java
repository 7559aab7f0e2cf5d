package dev.writ.bench;

import dev.writ.engine.compile.PlanCompiler;
import dev.writ.engine.entity.Entity;
import dev.writ.engine.entity.MapEntityStore;
import dev.writ.engine.eval.EvaluationPlan;
import dev.writ.engine.request.AccessRequest;
import dev.writ.engine.value.EntityUid;
import dev.writ.engine.value.Value;
import dev.writ.language.Frontend;
import dev.writ.language.vocab.EntityKind;
import dev.writ.language.ast.PolicyFile;
import dev.writ.language.check.CheckResult;
import dev.writ.language.check.Checker;
import dev.writ.language.check.CheckedBundle;
import dev.writ.language.diag.DiagnosticRenderer;
import dev.writ.language.parse.ParseResult;
import dev.writ.language.parse.PolicyParser;
import dev.writ.language.source.SourceFile;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;

/**
 * A seeded, reproducible workload: policy source text (strict mode, with a schema), the entity
 * graph and a stream of prepared access requests, for a given number of rules. The same seed and
 * size always give the same bytes, so two runs (or Writ and its peers) see the same data.
 *
 * <h2>Mixes</h2>
 *
 * <ul>
 *   <li>{@link Mix#REALISTIC}: rules of ten families per team (groups and roles, action groups and
 *       wildcards, resource types with attribute conditions, context conditions, intents with
 *       parameters, approvals, delegation to agents, forbids, a direct per-user rule) plus two
 *       global forbids. Requests: a permit/deny/pending mix from users, agents acting alone and
 *       agents acting for a sponsor.</li>
 *   <li>{@link Mix#PEER}: the subset that has an exact jCasbin equivalent (see {@link CasbinPeer}):
 *       the same families with intents, approvals and delegation replaced by plain rules of the
 *       same shape. Requests: the same generators without intents, approvals or chains.</li>
 *   <li>{@link Mix#ROLE_FOLDER}: N rules {@code principal User in Role::"r_i"},
 *       {@code resource Doc in Folder::"f_j"}: the shape whose cost must not grow with N.</li>
 * </ul>
 *
 * <h2>Scale</h2>
 *
 * Teams, users, folders, documents, clusters and databases grow with N (ten team rules per
 * team), so any one request can reach about the same number of rules at every N, as in a real
 * multi-team bundle. Hierarchies are 3 to 5 levels deep: a user is in a team (or a squad of it),
 * a department, sometimes a division, and the organisation; a document is in a folder (sometimes a
 * sub-folder), an area, sometimes a division folder, and the root.
 */
public final class Workload {
  /** The request stream length; a power of two so the benchmark loops can mask the index. */
  public static final int REQUESTS = 4096;
  public static final long DEFAULT_SEED = 20261128L;
  /** The time every request is decided at. */
  public static final Instant TIME = Instant.parse("2026-06-15T10:00:00Z");
  private static final int RULES_PER_FILE = 1000;
  private static final int GLOBAL_RULES = 2;

  public enum Mix { REALISTIC, PEER, ROLE_FOLDER }

  public final Mix mix;
  public final int ruleCount;
  public final long seed;
  public final List<SourceFile> sources;
  public final List<Entity> entities;
  public final AccessRequest[] requests;
  /** The peer's rules (PEER and ROLE_FOLDER mixes only; null otherwise). */
  public final List<CasbinPeer.Rule> peerRules;

  private Workload(Mix mix, int ruleCount, long seed, List<SourceFile> sources, List<Entity> entities,
                   AccessRequest[] requests, List<CasbinPeer.Rule> peerRules) {
    this.mix = mix;
    this.ruleCount = ruleCount;
    this.seed = seed;
    this.sources = List.copyOf(sources);
    this.entities = List.copyOf(entities);
    this.requests = requests;
    this.peerRules = peerRules == null ? null : List.copyOf(peerRules);
  }

  public static Workload generate(Mix mix, int rules) {
    return generate(mix, rules, DEFAULT_SEED);
  }

  public static Workload generate(Mix mix, int rules, long seed) {
    if (rules < 1) {
      throw new IllegalArgumentException("rules must be at least 1, got " + rules);
    }
    return mix == Mix.ROLE_FOLDER ? new RoleFolder(rules, seed).build() : new Teams(mix, rules, seed).build();
  }

  /** Parses and checks the sources (every checker stage, lint included); fails loudly on errors. */
  public CheckedBundle check() {
    Frontend.Result r = Frontend.checkSources(sources);
    if (r.bundle().isEmpty()) {
      throw new IllegalStateException("the generated " + mix + " workload with " + ruleCount
          + " rules does not compile:\n" + DiagnosticRenderer.render(r.diagnostics()));
    }
    return r.bundle().get();
  }

  /**
   * Parses and checks the sources without the lint stage: the same bundle as {@link #check()}
   * (lint only warns), without lint's grant-by-forbid comparison, which is quadratic in the rule
   * count (docs/performance.md). Fails loudly on errors.
   */
  public CheckedBundle checkWithoutLint() {
    List<PolicyFile> files = new ArrayList<>(sources.size());
    for (SourceFile src : sources) {
      ParseResult parsed = PolicyParser.parse(src);
      if (parsed.file().isEmpty()) {
        throw new IllegalStateException("generated source " + src.path() + " does not parse:\n"
            + DiagnosticRenderer.render(parsed.diagnostics()));
      }
      files.add(parsed.file().get());
    }
    CheckResult r = Checker.standard().without("lint").run(files);
    if (r.bundle().isEmpty()) {
      throw new IllegalStateException("the generated " + mix + " workload with " + ruleCount
          + " rules does not compile:\n" + DiagnosticRenderer.render(r.diagnostics()));
    }
    return r.bundle().get();
  }

  /** The executable plan, built through {@link #checkWithoutLint()} (the plan is the same either way). */
  public EvaluationPlan compile() {
    return PlanCompiler.compile(checkWithoutLint());
  }

  public MapEntityStore store() {
    return MapEntityStore.of(entities);
  }

  public int sourceChars() {
    return sources.stream().mapToInt(s -> s.text().length()).sum();
  }

  // ---------------------------------------------------------------------------------------
  // Shared schema
  // ---------------------------------------------------------------------------------------

  static final String SCHEMA = """
      // Generated by dev.writ.bench.Workload. Strict mode: every name below is checked.
      human    User     in [Team, Role]  { department: String, level: Int, clearance: Bool }
      agent    Bot      in [Team]        { model: String }
      machine  Svc      in [Cluster]     { namespace: String }
      group    Team     in [Team]
      group    Role     in [Role]
      group    Folder   in [Folder]
      group    Cluster  in [Cluster]
      resource Doc      in [Folder]      { classification: String, owner: String, tags: Set<String> }
      resource Database in [Cluster]     { env: String, classification: String }

      action "doc:read", "doc:edit", "doc:comment", "doc:delete", "doc:share" on Doc
      action "db:select", "db:describe", "db:insert", "db:update", "db:delete" on Database
      action group "doc:write" = ["doc:edit", "doc:comment"]
      action group "db:read"   = ["db:select", "db:describe"]
      action group "db:write"  = ["db:insert", "db:update", "db:delete"]

      intent investigate_incident {
        description "Read-only investigation of a production incident"
        param ticket: String matches "^INC-[0-9]+$"
        allow "db:read" on Database
        allow "doc:read"
        max 4h
      }

      intent summarize_docs {
        description "An assistant summarises documents for its sponsor"
        param topic?: String
        allow "doc:read" on Doc
        max 1h
        on drift revoke
      }
      """;

  static final List<String> DOC_ACTIONS = List.of("doc:read", "doc:edit", "doc:comment", "doc:delete", "doc:share");
  static final List<String> DB_ACTIONS = List.of("db:select", "db:describe", "db:insert", "db:update", "db:delete");
  static final Map<String, List<String>> ACTION_GROUPS = Map.of(
      "doc:write", List.of("doc:edit", "doc:comment"),
      "db:read", List.of("db:select", "db:describe"),
      "db:write", List.of("db:insert", "db:update", "db:delete"));

  static EntityUid uid(String type, String id) {
    return new EntityUid(type, id);
  }

  static Value.Str str(String s) {
    return new Value.Str(s);
  }

  static Value.RecordV context(boolean mfa) {
    return new Value.RecordV(Map.of("mfa", Value.Bool.of(mfa)));
  }

  static AccessRequest request(EntityUid principal, String action, EntityUid resource, boolean mfa) {
    return new AccessRequest(principal, List.of(action), resource, Optional.empty(), Optional.empty(), List.of(),
        List.of(), context(mfa), Optional.of(TIME), List.of());
  }

  /** Splits rule text into files of at most {@link #RULES_PER_FILE} rules (the parser caps a file at 16 MiB). */
  static List<SourceFile> files(List<String> rules) {
    List<SourceFile> out = new ArrayList<>();
    out.add(new SourceFile("schema.policy", SCHEMA));
    for (int start = 0; start < rules.size(); start += RULES_PER_FILE) {
      StringBuilder sb = new StringBuilder(RULES_PER_FILE * 220);
      for (int i = start; i < Math.min(rules.size(), start + RULES_PER_FILE); i++) {
        sb.append(rules.get(i)).append('\n');
      }
      out.add(new SourceFile(String.format("rules/%05d.policy", start / RULES_PER_FILE), sb.toString()));
    }
    return out;
  }

  // ---------------------------------------------------------------------------------------
  // The team-based mixes (REALISTIC and PEER)
  // ---------------------------------------------------------------------------------------

  /**
   * Entities and rules per team. Team {@code t}: users {@code u<t>_0..3}, agent {@code b<t>},
   * documents {@code doc<t>_0..3} in folder {@code f<t>}, databases {@code db<t>_0} (prod) and
   * {@code db<t>_1} (staging) in cluster {@code c<t/8>}.
   */
  private static final class Teams {
    final Mix mix;
    final int n;
    final long seed;
    final Random rnd;
    final int teams;
    final int roles;
    final int ruleTeams; // teams that have rules; requests come from these
    final Map<EntityUid, Entity> entities = new LinkedHashMap<>();
    final List<String> rules = new ArrayList<>();
    final List<CasbinPeer.Rule> peer = new ArrayList<>();

    Teams(Mix mix, int n, long seed) {
      this.mix = mix;
      this.n = n;
      this.seed = seed;
      this.rnd = new Random(seed);
      int teamRules = Math.max(0, n - GLOBAL_RULES);
      this.teams = Math.max(2, (teamRules + 9) / 10);
      this.roles = Math.max(2, teams / 2);
      this.ruleTeams = Math.min(teams, Math.max(1, (teamRules + 9) / 10));
    }

    static final int USERS_PER_TEAM = 4;
    static final int DOCS_PER_TEAM = 4;

    EntityUid team(int t) {
      return uid("Team", "t" + t);
    }

    EntityUid squad(int t) {
      return uid("Team", "t" + t + "s");
    }

    EntityUid dept(int t) {
      return uid("Team", "d" + (t / 4));
    }

    EntityUid division(int t) {
      return uid("Team", "v" + (t / 16));
    }

    EntityUid role(int r) {
      return uid("Role", "r" + r);
    }

    EntityUid folder(int t) {
      return uid("Folder", "f" + t);
    }

    EntityUid subFolder(int t) {
      return uid("Folder", "f" + t + "x");
    }

    EntityUid area(int t) {
      return uid("Folder", "fa" + (t / 4));
    }

    EntityUid divFolder(int t) {
      return uid("Folder", "fv" + (t / 16));
    }

    EntityUid cluster(int t) {
      return uid("Cluster", "c" + (t / 8));
    }

    EntityUid region(int t) {
      return uid("Cluster", "g" + (t / 32));
    }

    EntityUid user(int t, int k) {
      return uid("User", "u" + t + "_" + k);
    }

    EntityUid bot(int t) {
      return uid("Bot", "b" + t);
    }

    EntityUid svc(int t) {
      return uid("Svc", "s" + (t / 8));
    }

    EntityUid doc(int t, int k) {
      return uid("Doc", "doc" + t + "_" + k);
    }

    EntityUid db(int t, int k) {
      return uid("Database", "db" + t + "_" + k);
    }

    int roleOf(int t, int k) {
      return (t + k * 7) % roles;
    }

    void put(EntityUid u, EntityKind kind, Map<String, Value> attrs, EntityUid... parents) {
      Set<EntityUid> ps = new LinkedHashSet<>(List.of(parents));
      entities.put(u, new Entity(u, kind, attrs, ps));
    }

    void putGroup(EntityUid u, EntityUid... parents) {
      if (!entities.containsKey(u)) {
        put(u, EntityKind.GROUP, Map.of(), parents);
      }
    }

    void buildEntities() {
      EntityUid org = uid("Team", "org");
      EntityUid root = uid("Folder", "root");
      EntityUid global = uid("Cluster", "global");
      putGroup(org);
      putGroup(root);
      putGroup(global);
      for (int r = 0; r < roles; r++) {
        EntityUid rg = uid("Role", "rg" + (r / 8));
        putGroup(rg);
        putGroup(role(r), rg);
      }
      String[] classes = {"public", "internal", "secret", "restricted"};
      for (int t = 0; t < teams; t++) {
        // Depth 3 to 5 above a user: (squad,) team, department, (division,) organisation.
        int shape = t % 3;
        if (shape == 1) {
          putGroup(dept(t), org);
        } else {
          putGroup(division(t), org);
          putGroup(dept(t), division(t));
        }
        putGroup(team(t), dept(t));
        EntityUid home = team(t);
        if (shape == 0) {
          putGroup(squad(t), team(t));
          home = squad(t);
        }
        // Folders: (sub-folder,) folder, area, (division folder,) root.
        if (shape == 1) {
          putGroup(area(t), root);
        } else {
          putGroup(divFolder(t), root);
          putGroup(area(t), divFolder(t));
        }
        putGroup(folder(t), area(t));
        if (shape == 0) {
          putGroup(subFolder(t), folder(t));
        }
        putGroup(region(t), global);
        putGroup(cluster(t), region(t));

        for (int k = 0; k < USERS_PER_TEAM; k++) {
          Map<String, Value> a = new LinkedHashMap<>();
          a.put("department", str("d" + (t / 4)));
          a.put("level", new Value.Int(1 + rnd.nextInt(5)));
          a.put("clearance", Value.Bool.of(rnd.nextInt(4) == 0));
          put(user(t, k), EntityKind.HUMAN, a, home, role(roleOf(t, k)));
        }
        put(bot(t), EntityKind.AGENT, Map.of("model", str("m" + (t % 3))), team(t));
        if (!entities.containsKey(svc(t))) {
          put(svc(t), EntityKind.MACHINE, Map.of("namespace", str("ns" + (t / 8))), cluster(t));
        }
        for (int k = 0; k < DOCS_PER_TEAM; k++) {
          Map<String, Value> a = new LinkedHashMap<>();
          a.put("classification", str(k < 3 ? classes[k] : classes[rnd.nextInt(classes.length)]));
          a.put("owner", str("t" + t));
          Set<Value> tags = new LinkedHashSet<>();
          tags.add(str("team-" + t));
          if (rnd.nextInt(10) == 0) {
            tags.add(str("legal-hold"));
          }
          a.put("tags", new Value.SetV(tags));
          EntityUid parent = shape == 0 && k == 3 ? subFolder(t) : folder(t);
          put(doc(t, k), EntityKind.RESOURCE, a, parent);
        }
        for (int k = 0; k < 2; k++) {
          Map<String, Value> a = new LinkedHashMap<>();
          a.put("env", str(k == 0 ? "prod" : "staging"));
          a.put("classification", str(rnd.nextInt(3) == 0 ? "restricted" : "internal"));
          put(db(t, k), EntityKind.RESOURCE, a, cluster(t));
        }
      }
    }

    /** Appends a rule and, when the peer can express it, its peer rule. */
    void rule(String text, CasbinPeer.Rule peerRule) {
      rules.add(text);
      if (mix == Mix.PEER) {
        if (peerRule == null) {
          throw new IllegalStateException("internal: a PEER rule without a peer equivalent: " + text);
        }
        peer.add(peerRule);
      }
    }

    static String q(EntityUid u) {
      return u.toPolicyString();
    }

    void buildRules() {
      // Two global forbids, present at every N (they are candidates for many requests).
      rule("forbid g0_agents_never_write_prod {\n  reason \"Agents never write to production databases\"\n"
              + "  principal agent\n  action \"db:write\"\n  resource Database when resource.env == \"prod\"\n}\n",
          CasbinPeer.Rule.deny("agent", "*", "db:write", "Database", "*", "*", "prod", "*"));
      if (n > 1) {
        rule("forbid g1_secret_docs_never_to_agents {\n  reason \"Secret documents are for humans only\"\n"
                + "  principal agent\n  action \"doc:*\"\n  resource Doc when resource.classification == \"secret\"\n}\n",
            CasbinPeer.Rule.deny("agent", "*", "doc:*", "Doc", "*", "secret", "*", "*"));
      }
      for (int i = 0; rules.size() < n; i++) {
        int t = (i / 10) % teams;
        int k = i % 10;
        String name = "r" + i + "_t" + t;
        teamRule(name, t, k);
      }
    }

    void teamRule(String name, int t, int k) {
      switch (k) {
        case 0 -> rule("grant " + name + "_doc_read {\n  owner \"team:t" + t + "\"\n  principal User in " + q(team(t))
                + "\n  action \"doc:read\"\n  resource Doc in " + q(folder(t)) + "\n  ttl 8h\n}\n",
            CasbinPeer.Rule.allow("User", team(t).toString(), "doc:read", "Doc", folder(t).toString(), "*", "*", "*"));
        case 1 -> rule("grant " + name + "_doc_write {\n  principal User in " + q(team(t))
                + "\n  action \"doc:write\"\n  resource Doc in " + q(folder(t))
                + " when resource.classification != \"secret\"\n  ttl 2h\n}\n",
            CasbinPeer.Rule.allow("User", team(t).toString(), "doc:write", "Doc", folder(t).toString(), "!secret", "*",
                "*"));
        case 2 -> {
          EntityUid r = role(roleOf(t, 1));
          rule("grant " + name + "_role_docs {\n  principal User in " + q(r) + "\n  action \"doc:*\"\n  resource Doc in "
                  + q(area(t)) + " when resource.classification == \"public\"\n  ttl 1h\n}\n",
              CasbinPeer.Rule.allow("User", r.toString(), "doc:*", "Doc", area(t).toString(), "public", "*", "*"));
        }
        case 3 -> rule("grant " + name + "_db_read {\n  principal User in " + q(team(t))
                + "\n  action \"db:read\"\n  resource Database in " + q(cluster(t))
                + " when resource.env == \"prod\"\n  when context.mfa == true\n  ttl 4h\n}\n",
            CasbinPeer.Rule.allow("User", team(t).toString(), "db:read", "Database", cluster(t).toString(), "*", "prod",
                "true"));
        case 4 -> {
          if (mix == Mix.REALISTIC) {
            rule("grant " + name + "_incident {\n  description \"Incident responders read the team's databases\"\n"
                + "  principal User in " + q(team(t)) + "\n  action \"db:read\"\n  resource Database in " + q(cluster(t))
                + "\n  intent investigate_incident\n  when intent.ticket like \"INC-*\"\n  ttl 2h\n}\n", null);
          } else {
            rule("grant " + name + "_staging_write {\n  principal User in " + q(team(t))
                    + "\n  action \"db:write\"\n  resource Database in " + q(cluster(t))
                    + " when resource.env == \"staging\"\n  ttl 30m\n}\n",
                CasbinPeer.Rule.allow("User", team(t).toString(), "db:write", "Database", cluster(t).toString(), "*",
                    "staging", "*"));
          }
        }
        case 5 -> {
          if (mix == Mix.REALISTIC) {
            rule("grant " + name + "_db_write {\n  principal User in " + q(team(t))
                + "\n  action \"db:write\"\n  resource Database in " + q(cluster(t)) + "\n  when context.mfa == true\n"
                + "  ttl 30m\n  approval " + q(dept(t)) + " where resource.classification == \"restricted\"\n"
                + "  obligation notify \"#db-t" + t + "\"\n}\n", null);
          } else {
            rule("grant " + name + "_svc_select {\n  principal Svc in " + q(cluster(t))
                    + "\n  action \"db:select\"\n  resource " + q(db(t, 1)) + "\n  ttl 15m\n}\n",
                CasbinPeer.Rule.allow("Svc", cluster(t).toString(), "db:select", "Database", db(t, 1).toString(), "*",
                    "*", "*"));
          }
        }
        case 6 -> {
          if (mix == Mix.REALISTIC) {
            rule("grant " + name + "_assist {\n  principal User in " + q(team(t)) + ", Bot in " + q(team(t))
                + "\n  action \"doc:read\"\n  resource Doc in " + q(folder(t)) + "\n  intent summarize_docs\n"
                + "  ttl 1h\n  delegate agent depth 1\n}\n", null);
          } else {
            rule("grant " + name + "_bot_public {\n  principal Bot in " + q(team(t))
                    + "\n  action \"doc:read\"\n  resource Doc in " + q(folder(t))
                    + " when resource.classification == \"public\"\n  ttl 1h\n}\n",
                CasbinPeer.Rule.allow("Bot", team(t).toString(), "doc:read", "Doc", folder(t).toString(), "public",
                    "*", "*"));
          }
        }
        case 7 -> {
          // The peer needs one policy line per action; keep the rule count equal there.
          String actions = mix == Mix.PEER ? "\"doc:delete\"" : "\"doc:delete\", \"doc:share\"";
          rule("forbid " + name + "_bots_no_delete {\n  reason \"Assistants never delete or share\"\n"
                  + "  principal Bot in " + q(team(t)) + "\n  action " + actions + "\n  resource Doc in "
                  + q(area(t)) + "\n}\n",
              CasbinPeer.Rule.deny("Bot", team(t).toString(), "doc:delete", "Doc", area(t).toString(), "*", "*", "*"));
        }
        case 8 -> rule("forbid " + name + "_db_write_needs_mfa {\n  principal User in " + q(team(t))
                + "\n  action \"db:write\"\n  resource Database in " + q(cluster(t))
                + "\n  unless context.mfa == true\n}\n",
            CasbinPeer.Rule.deny("User", team(t).toString(), "db:write", "Database", cluster(t).toString(), "*", "*",
                "false"));
        case 9 -> rule("grant " + name + "_owner {\n  principal " + q(user(t, 0)) + "\n  action \"doc:*\"\n"
                + "  resource Doc in " + q(folder(t)) + "\n  ttl 1h\n}\n",
            CasbinPeer.Rule.allow("User", user(t, 0).toString(), "doc:*", "Doc", folder(t).toString(), "*", "*", "*"));
        default -> throw new IllegalStateException("internal: family " + k);
      }
    }

    int otherTeamSameArea(int t) {
      int base = (t / 4) * 4;
      int o = base + rnd.nextInt(4);
      return o < teams ? o : t;
    }

    AccessRequest[] buildRequests() {
      AccessRequest[] out = new AccessRequest[REQUESTS];
      for (int i = 0; i < REQUESTS; i++) {
        int t = rnd.nextInt(ruleTeams);
        out[i] = mix == Mix.REALISTIC ? realistic(t) : peerRequest(t);
      }
      return out;
    }

    String docAction() {
      int x = rnd.nextInt(10);
      return x < 5 ? "doc:read" : x < 7 ? "doc:edit" : x < 8 ? "doc:comment" : x < 9 ? "doc:share" : "doc:delete";
    }

    String dbAction() {
      int x = rnd.nextInt(10);
      return x < 5 ? "db:select" : x < 7 ? "db:describe" : x < 9 ? "db:insert" : "db:update";
    }

    EntityUid someDoc(int t) {
      int x = rnd.nextInt(10);
      int owner = x < 7 ? t : x < 9 ? otherTeamSameArea(t) : rnd.nextInt(teams);
      return doc(owner, rnd.nextInt(DOCS_PER_TEAM));
    }

    EntityUid someDb(int t) {
      int owner = rnd.nextInt(10) < 8 ? t : rnd.nextInt(teams);
      return db(owner, rnd.nextInt(2));
    }

    /** Users, agents and services of the PEER subset: no intents, approvals or chains. */
    AccessRequest peerRequest(int t) {
      int x = rnd.nextInt(100);
      boolean mfa = rnd.nextInt(10) < 7;
      if (x < 50) {
        return request(user(t, rnd.nextInt(USERS_PER_TEAM)), docAction(), someDoc(t), mfa);
      } else if (x < 80) {
        return request(user(t, rnd.nextInt(USERS_PER_TEAM)), dbAction(), someDb(t), mfa);
      } else if (x < 92) {
        return request(bot(t), docAction(), someDoc(t), mfa);
      } else if (x < 96) {
        return request(bot(t), "db:insert", someDb(t), mfa);
      } else {
        return request(svc(t), rnd.nextBoolean() ? "db:select" : "db:insert", someDb(t), mfa);
      }
    }

    AccessRequest realistic(int t) {
      int x = rnd.nextInt(100);
      boolean mfa = rnd.nextInt(10) < 7;
      EntityUid u = user(t, rnd.nextInt(USERS_PER_TEAM));
      if (x < 35) {
        return request(u, docAction(), someDoc(t), mfa);
      } else if (x < 55) {
        return request(u, dbAction(), someDb(t), mfa);
      } else if (x < 65) {
        // Incident investigation under an intent; some tickets are malformed.
        String ticket = rnd.nextInt(10) == 0 ? "inc-" + rnd.nextInt(1000) : "INC-" + rnd.nextInt(100000);
        return new AccessRequest(u, List.of(rnd.nextBoolean() ? "db:select" : "db:describe"), someDb(t),
            Optional.of(new AccessRequest.IntentRef("investigate_incident", Map.of("ticket", str(ticket)))),
            Optional.of(3600L), List.of(), List.of(), context(mfa), Optional.of(TIME), List.of());
      } else if (x < 75) {
        // A write that may need an approval from the department.
        List<AccessRequest.Approval> approvals = new ArrayList<>();
        if (rnd.nextBoolean()) {
          int other = otherTeamSameArea(t);
          EntityUid by = user(other, rnd.nextInt(USERS_PER_TEAM));
          approvals.add(new AccessRequest.Approval(by, Optional.empty()));
        }
        return new AccessRequest(u, List.of(rnd.nextBoolean() ? "db:insert" : "db:update"), db(t, rnd.nextInt(2)),
            Optional.empty(), Optional.of(900L), List.of(), approvals, context(true), Optional.of(TIME), List.of());
      } else if (x < 87) {
        // An assistant reading for its sponsor (delegation depth 1), under the summarising intent.
        EntityUid sponsor = rnd.nextInt(10) < 9 ? u : user(rnd.nextInt(teams), 0);
        return new AccessRequest(bot(t), List.of("doc:read"), someDoc(t),
            Optional.of(new AccessRequest.IntentRef("summarize_docs", Map.of("topic", str("q3")))),
            Optional.empty(), List.of(sponsor), List.of(), context(mfa), Optional.of(TIME), List.of());
      } else if (x < 95) {
        // An assistant acting alone: no grant, or a forbid.
        return request(bot(t), docAction(), someDoc(t), mfa);
      } else {
        return request(svc(t), "db:select", someDb(t), mfa);
      }
    }

    Workload build() {
      buildEntities();
      buildRules();
      AccessRequest[] requests = buildRequests();
      return new Workload(mix, rules.size(), seed, files(rules), new ArrayList<>(entities.values()), requests,
          mix == Mix.PEER ? peer : null);
    }
  }

  // ---------------------------------------------------------------------------------------
  // Role and folder: the scaling shape of the issue
  // ---------------------------------------------------------------------------------------

  /**
   * N rules {@code principal User in Role::"r<i>"}, {@code action "doc:read"},
   * {@code resource Doc in Folder::"f<i mod F>"}. The entity graph does not grow with N beyond the
   * roles themselves: 1,000 users with 3 roles each, 1,000 documents in 100 folders three levels
   * deep. A request reaches the rules of its user's three roles, whatever N is.
   */
  private static final class RoleFolder {
    static final int USERS = 1000;
    static final int DOCS = 1000;
    static final int FOLDERS = 100;
    static final int ROLES_PER_USER = 3;
    final int n;
    final long seed;
    final Random rnd;

    RoleFolder(int n, long seed) {
      this.n = n;
      this.seed = seed;
      this.rnd = new Random(seed);
    }

    Workload build() {
      int folders = Math.min(FOLDERS, n);
      List<Entity> entities = new ArrayList<>();
      EntityUid root = uid("Folder", "root");
      entities.add(new Entity(root, EntityKind.GROUP, Map.of(), Set.of()));
      for (int a = 0; a < (folders + 9) / 10; a++) {
        entities.add(new Entity(uid("Folder", "a" + a), EntityKind.GROUP, Map.of(), Set.of(root)));
      }
      for (int f = 0; f < folders; f++) {
        entities.add(new Entity(uid("Folder", "f" + f), EntityKind.GROUP, Map.of(), Set.of(uid("Folder", "a" + f / 10))));
      }
      for (int r = 0; r < n; r++) {
        entities.add(new Entity(uid("Role", "r" + r), EntityKind.GROUP, Map.of(), Set.of()));
      }
      int[][] userRoles = new int[USERS][ROLES_PER_USER];
      for (int u = 0; u < USERS; u++) {
        Set<EntityUid> parents = new LinkedHashSet<>();
        for (int j = 0; j < ROLES_PER_USER; j++) {
          userRoles[u][j] = rnd.nextInt(n);
          parents.add(uid("Role", "r" + userRoles[u][j]));
        }
        Map<String, Value> a = Map.of("department", str("d" + u % 10), "level", new Value.Int(1 + u % 5),
            "clearance", Value.Bool.FALSE);
        entities.add(new Entity(uid("User", "u" + u), EntityKind.HUMAN, a, parents));
      }
      int[] docFolder = new int[DOCS];
      for (int d = 0; d < DOCS; d++) {
        docFolder[d] = d % folders;
        Map<String, Value> a = Map.of("classification", str("internal"), "owner", str("x"),
            "tags", new Value.SetV(Set.of()));
        entities.add(new Entity(uid("Doc", "d" + d), EntityKind.RESOURCE, a, Set.of(uid("Folder", "f" + docFolder[d]))));
      }
      List<String> rules = new ArrayList<>(n);
      List<CasbinPeer.Rule> peer = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        int f = i % folders;
        rules.add("grant rf" + i + " {\n  principal User in Role::\"r" + i + "\"\n  action \"doc:read\"\n"
            + "  resource Doc in Folder::\"f" + f + "\"\n  ttl 1h\n}\n");
        peer.add(CasbinPeer.Rule.allow("User", "Role::r" + i, "doc:read", "Doc", "Folder::f" + f, "*", "*", "*"));
      }
      // Half the requests go to a document in a folder one of the user's roles is granted: permits.
      AccessRequest[] requests = new AccessRequest[REQUESTS];
      List<List<Integer>> docsByFolder = new ArrayList<>();
      for (int f = 0; f < folders; f++) {
        docsByFolder.add(new ArrayList<>());
      }
      for (int d = 0; d < DOCS; d++) {
        docsByFolder.get(docFolder[d]).add(d);
      }
      for (int i = 0; i < REQUESTS; i++) {
        int u = rnd.nextInt(USERS);
        int d;
        if (rnd.nextBoolean()) {
          int role = userRoles[u][rnd.nextInt(ROLES_PER_USER)];
          List<Integer> in = docsByFolder.get(role % folders);
          d = in.get(rnd.nextInt(in.size()));
        } else {
          d = rnd.nextInt(DOCS);
        }
        requests[i] = request(uid("User", "u" + u), "doc:read", uid("Doc", "d" + d), true);
      }
      Collections.shuffle(entities, rnd); // no help from insertion order
      return new Workload(Mix.ROLE_FOLDER, n, seed, files(rules), entities, requests, peer);
    }
  }
}
