package dev.writ.engine.bundle;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.writ.engine.entity.Entity;
import dev.writ.engine.entity.EntityStore;
import dev.writ.engine.entity.MapEntityStore;
import dev.writ.engine.request.AccessRequest;
import dev.writ.engine.value.EntityUid;
import dev.writ.engine.value.Value;
import dev.writ.language.Frontend;
import dev.writ.language.vocab.EntityKind;
import dev.writ.language.source.SourceFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.function.Supplier;

/**
 * A modest generator of strict-mode bundles, entity data and access requests, for the bundle
 * tests: enough variety (selectors, groups, wildcards, conditions that hold, fail and error,
 * intents, ttl, approvals, delegation, obligations) that a plan which lost or changed anything on
 * the way through a bundle would decide differently.
 */
final class GeneratedPolicies {
  private GeneratedPolicies() {}

  static final String SCHEMA = """
      human    Employee  in [Team]    { department: String, level: Int, mfa: Bool, tags: Set<String> }
      agent    Assistant in [Team]    { model: String, vendor: String }
      machine  Workload  in [Cluster] { namespace: String }
      resource Database  in [Cluster] { env: String, classification: String, tags: Set<String>, size: Int }
      resource Dashboard { service: String }
      group    Team
      group    Cluster   in [Cluster]

      action "db:select", "db:describe", "db:insert", "db:update", "db:delete" on Database
      action "logs:read", "metrics:read" on Dashboard
      action group "db:read"  = ["db:select", "db:describe"]
      action group "db:write" = ["db:insert", "db:update", "db:delete"]
      """;

  static final String INTENTS = """
      intent investigate {
        description "Read-only investigation of a production incident"
        param ticket: String matches "^INC-[0-9]+$"
        param service?: String
        allow "db:read" on Database when resource.env == "prod"
        allow "logs:read", "metrics:read"
        max 4h
      }

      intent deploy {
        param service: String
        allow "db:write", "db:read" on Database
        allow "logs:read"
        max 1h
        on drift revoke
      }
      """;

  static final List<String> ACTIONS = List.of("db:select", "db:describe", "db:insert", "db:update", "db:delete",
      "logs:read", "metrics:read");

  /** The policy files of a generated bundle: schema, intents and the rules spread over a few files. */
  static Map<String, String> files(long seed, int rules) {
    Random r = new Random(seed);
    Map<String, String> files = new LinkedHashMap<>();
    files.put("schema.policy", SCHEMA);
    files.put("intents.policy", INTENTS);
    int perFile = Math.max(1, Math.min(500, rules / 4 + 1));
    StringBuilder sb = null;
    for (int i = 0; i < rules; i++) {
      if (i % perFile == 0) {
        if (sb != null) {
          files.put(fileName(i / perFile - 1), sb.toString());
        }
        sb = new StringBuilder();
        if (r.nextBoolean()) {
          sb.append("package gen.part").append(i / perFile).append(";\n\n");
        }
      }
      sb.append(rule(r, i)).append('\n');
    }
    if (sb != null) {
      files.put(fileName((rules - 1) / perFile), sb.toString());
    }
    return files;
  }

  private static String fileName(int k) {
    return "rules/part-" + k + ".policy";
  }

  /** Writes the files under {@code dir} and checks them; the bundle must be free of errors. */
  static Frontend.Result check(Path dir, Map<String, String> files) {
    try {
      for (Map.Entry<String, String> f : files.entrySet()) {
        Path p = dir.resolve(f.getKey());
        Files.createDirectories(p.getParent());
        Files.writeString(p, f.getValue());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Frontend.Result result = Frontend.checkDirectory(dir);
    assertTrue(result.ok(), () -> "generated policies do not check:\n" + result.diagnostics());
    return result;
  }

  /** Checks the files as they are, with their map keys as paths: no directory, stable positions. */
  static Frontend.Result checkSources(Map<String, String> files) {
    List<SourceFile> sources = files.entrySet().stream().sorted(Map.Entry.comparingByKey())
        .map(e -> new SourceFile(e.getKey(), e.getValue())).toList();
    Frontend.Result result = Frontend.checkSources(sources);
    assertTrue(result.ok(), () -> "generated policies do not check:\n" + result.diagnostics());
    return result;
  }

  private static <T> T pick(Random r, List<T> options) {
    return options.get(r.nextInt(options.size()));
  }

  @SafeVarargs
  private static <T> T pick(Random r, T... options) {
    return options[r.nextInt(options.length)];
  }

  private static String rule(Random r, int i) {
    boolean forbid = r.nextInt(5) == 0;
    int family = r.nextInt(3); // 0 Database, 1 Dashboard, 2 any resource
    StringBuilder sb = new StringBuilder();
    sb.append(forbid ? "forbid" : "grant").append(" r").append(i).append(" {\n");
    if (r.nextInt(4) == 0) {
      sb.append("  description \"generated rule ").append(i).append("\"\n");
    }
    if (forbid && r.nextBoolean()) {
      sb.append("  reason \"rule ").append(i).append(" says no\"\n");
    }
    if (r.nextInt(6) == 0) {
      sb.append("  owner \"team:gen\"\n  controls \"CTRL-").append(r.nextInt(9)).append("\"\n");
    }
    String principal = pick(r, "", "Employee", "Employee in Team::\"sre\"", "agent", "human, agent", "Assistant",
        "Employee::\"alice\"", "any", "Workload in Cluster::\"world\"", "Employee, Assistant in Team::\"sre\"");
    boolean employee = principal.startsWith("Employee") && !principal.contains(",");
    if (!principal.isEmpty()) {
      sb.append("  principal ").append(principal).append('\n');
    }
    List<String> actionChoices = switch (family) {
      case 0 -> List.of("\"db:read\"", "\"db:write\"", "\"db:select\"", "\"db:insert\"", "\"db:*\"", "\"db:delete\"");
      case 1 -> List.of("\"logs:read\"", "\"metrics:read\"", "\"logs:*\"");
      default -> List.of("\"db:read\"", "\"logs:read\"", "\"*\"", "\"db:update\"");
    };
    if (family != 2 || r.nextInt(3) > 0) {
      Set<String> actions = new LinkedHashSet<>();
      int n = 1 + r.nextInt(2);
      for (int k = 0; k < n; k++) {
        actions.add(pick(r, actionChoices));
      }
      sb.append("  action ").append(String.join(", ", actions)).append('\n');
    }
    if (family == 0) {
      sb.append("  resource ").append(pick(r, "Database", "Database in Cluster::\"eu\"", "Database::\"orders\"",
          "Database::\"scratch\", Database in Cluster::\"world\""));
      if (r.nextInt(3) == 0) {
        sb.append(" when ").append(databaseExpr(r));
      }
      sb.append('\n');
    } else if (family == 1) {
      sb.append("  resource Dashboard");
      if (r.nextInt(3) == 0) {
        sb.append(" when resource.service ").append(pick(r, "== \"api\"", "like \"a*\"", "matches \"[a-z]+\""));
      }
      sb.append('\n');
    }
    if (r.nextInt(4) == 0) {
      sb.append("  intent ").append(pick(r, "investigate", "deploy", "investigate, deploy")).append('\n');
    }
    int conditions = r.nextInt(4);
    for (int k = 0; k < conditions; k++) {
      sb.append(r.nextInt(3) == 0 ? "  unless " : "  when ").append(condition(r, family, employee, 0)).append('\n');
    }
    if (!forbid) {
      if (r.nextInt(4) > 0) {
        sb.append("  ttl ").append(pick(r, "30m", "1h", "2h", "1h30m", "8h", "1d")).append('\n');
      }
      if (r.nextInt(5) == 0) {
        sb.append("  approval ").append(pick(r, "", "2 of ")).append("Team::\"owners\"");
        if (family == 0 && r.nextBoolean()) {
          sb.append(" where resource.classification == \"restricted\"");
        }
        sb.append('\n');
      }
      if (r.nextInt(4) == 0) {
        sb.append("  delegate ").append(pick(r, "agent", "agent, machine")).append(" depth ")
            .append(1 + r.nextInt(2)).append('\n');
      }
    }
    if (r.nextInt(4) == 0) {
      sb.append("  obligation ").append(pick(r, "notify \"#db-access\"", "record", "mfa_prompt \"push\"")).append('\n');
    }
    return sb.append("}\n").toString();
  }

  private static String databaseExpr(Random r) {
    return pick(r, "resource.env == \"prod\"", "resource.size > " + r.nextInt(200),
        "resource.tags.contains(\"pii\")", "resource.classification like \"res*\"", "resource.env matches \"pr.*\"",
        "resource in Cluster::\"eu\"", "resource.tags.containsAny([\"pii\", \"gdpr\"])");
  }

  private static String condition(Random r, int family, boolean employee, int depth) {
    int choice = r.nextInt(depth < 2 ? 12 : 9);
    return switch (choice) {
      case 0 -> family == 0 ? databaseExpr(r) : "context.mfa == true";
      case 1 -> employee ? pick(r, "principal.level >= " + r.nextInt(8), "principal.department == \"sre\"",
          "principal.mfa", "principal.tags.contains(\"oncall\")") : "principal in Team::\"sre\"";
      case 2 -> "context has break_glass && context.break_glass == true";
      case 3 -> "context.level > " + r.nextInt(5); // errors when level is a string or absent
      case 4 -> "context[\"source-ip\"] like \"10.*\"";
      case 5 -> "cidr(context.ip, \"10.0.0.0/8\")";
      case 6 -> pick(r, "hour(request.time) < 18", "weekday(request.time) <= 5",
          "request.time < time(\"2026-07-01T00:00:00Z\")");
      case 7 -> pick(r, "delegation.depth < 2", "delegation.root in Team::\"sre\"", "request.duration <= 2h");
      case 8 -> pick(r, "size(lower(context.user)) > 3", "context.level + 1 - 1 > 2", "-context.level < 0");
      case 9 -> "(" + condition(r, family, employee, depth + 1) + " || " + condition(r, family, employee, depth + 1) + ")";
      case 10 -> "!(" + condition(r, family, employee, depth + 1) + ")";
      default -> condition(r, family, employee, depth + 1) + " && " + condition(r, family, employee, depth + 1);
    };
  }

  // Entity data and requests.

  static final Instant NOW = Instant.parse("2026-06-15T10:00:00Z");

  private static EntityUid uid(String text) {
    return EntityUid.parse(text);
  }

  private static Value str(String s) {
    return new Value.Str(s);
  }

  private static Value strings(String... s) {
    Set<Value> out = new LinkedHashSet<>();
    for (String x : s) {
      out.add(str(x));
    }
    return new Value.SetV(out);
  }

  private static Entity entity(String uid, EntityKind kind, Map<String, Value> attrs, String... parents) {
    Set<EntityUid> ps = new LinkedHashSet<>();
    for (String p : parents) {
      ps.add(uid(p));
    }
    return new Entity(uid(uid), kind, attrs, ps);
  }

  static EntityStore entities() {
    List<Entity> list = new ArrayList<>();
    list.add(entity("Team::sre", EntityKind.GROUP, Map.of()));
    list.add(entity("Team::dev", EntityKind.GROUP, Map.of()));
    list.add(entity("Team::owners", EntityKind.GROUP, Map.of()));
    list.add(entity("Cluster::world", EntityKind.GROUP, Map.of()));
    list.add(entity("Cluster::eu", EntityKind.GROUP, Map.of(), "Cluster::world"));
    list.add(entity("Employee::alice", EntityKind.HUMAN, Map.of("department", str("sre"), "level", new Value.Int(5),
        "mfa", Value.Bool.TRUE, "tags", strings("oncall")), "Team::sre"));
    list.add(entity("Employee::bob", EntityKind.HUMAN, Map.of("department", str("dev"), "level", new Value.Int(2),
        "mfa", Value.Bool.FALSE, "tags", strings()), "Team::dev"));
    list.add(entity("Employee::carol", EntityKind.HUMAN, Map.of("department", str("sec"), "level", new Value.Int(7),
        "mfa", Value.Bool.TRUE, "tags", strings()), "Team::owners"));
    list.add(entity("Employee::dave", EntityKind.HUMAN, Map.of("department", str("sec"), "level", new Value.Int(4),
        "mfa", Value.Bool.TRUE, "tags", strings("oncall")), "Team::owners", "Team::sre"));
    list.add(entity("Assistant::helper", EntityKind.AGENT, Map.of("model", str("m1"), "vendor", str("v")), "Team::sre"));
    list.add(entity("Assistant::sub", EntityKind.AGENT, Map.of("model", str("m2"), "vendor", str("v")), "Team::dev"));
    list.add(entity("Workload::ci", EntityKind.MACHINE, Map.of("namespace", str("build")), "Cluster::eu"));
    list.add(entity("Database::orders", EntityKind.RESOURCE, Map.of("env", str("prod"), "classification",
        str("restricted"), "tags", strings("pii"), "size", new Value.Int(100)), "Cluster::eu"));
    list.add(entity("Database::scratch", EntityKind.RESOURCE, Map.of("env", str("dev"), "classification",
        str("public"), "tags", strings(), "size", new Value.Int(3))));
    list.add(entity("Dashboard::main", EntityKind.RESOURCE, Map.of("service", str("api"))));
    return MapEntityStore.of(list);
  }

  private static final List<String> PRINCIPALS = List.of("Employee::alice", "Employee::bob", "Employee::carol",
      "Assistant::helper", "Assistant::sub", "Workload::ci");
  private static final List<String> RESOURCES = List.of("Database::orders", "Database::scratch", "Dashboard::main");

  /** A request over {@link #entities}; some are bad requests on purpose (an unknown entity). */
  static AccessRequest request(Random r) {
    String principal = pick(r, PRINCIPALS);
    List<EntityUid> chain = new ArrayList<>();
    if (principal.equals("Assistant::helper") && r.nextBoolean()) {
      chain.add(uid(pick(r, "Employee::alice", "Employee::bob")));
    } else if (principal.equals("Assistant::sub") && r.nextBoolean()) {
      chain.add(uid("Employee::alice"));
      if (r.nextBoolean()) {
        chain.add(uid("Assistant::helper"));
      }
    } else if (principal.equals("Workload::ci") && r.nextInt(3) == 0) {
      chain.add(uid("Employee::dave"));
    }
    List<String> actions = new ArrayList<>();
    int n = 1 + r.nextInt(2);
    for (int k = 0; k < n; k++) {
      actions.add(pick(r, ACTIONS));
    }
    Optional<AccessRequest.IntentRef> intent = switch (r.nextInt(6)) {
      case 0 -> Optional.of(new AccessRequest.IntentRef("investigate", Map.of("ticket", str(pick(r, "INC-42", "bad")))));
      case 1 -> Optional.of(new AccessRequest.IntentRef("investigate", Map.of("ticket", str("INC-7"),
          "service", str("api"))));
      case 2 -> Optional.of(new AccessRequest.IntentRef("deploy", r.nextBoolean() ? Map.of("service", str("api"))
          : Map.of()));
      default -> Optional.empty();
    };
    Optional<Long> duration = pick(r, Optional.<Long>empty(), Optional.of(1800L), Optional.of(5 * 3600L));
    List<AccessRequest.Approval> approvals = new ArrayList<>();
    for (String by : List.of("Employee::carol", "Employee::dave", "Employee::bob")) {
      if (r.nextInt(3) == 0) {
        approvals.add(new AccessRequest.Approval(uid(by), Optional.empty()));
      }
    }
    Map<String, Value> context = new LinkedHashMap<>();
    maybe(r, context, "mfa", () -> Value.Bool.of(r.nextBoolean()));
    maybe(r, context, "break_glass", () -> Value.Bool.of(r.nextBoolean()));
    maybe(r, context, "level", () -> r.nextInt(4) == 0 ? str("high") : new Value.Int(r.nextInt(6)));
    maybe(r, context, "ip", () -> str(pick(r, "10.1.2.3", "192.168.0.1", "not-an-ip")));
    maybe(r, context, "source-ip", () -> str(pick(r, "10.9.9.9", "172.16.0.1")));
    maybe(r, context, "user", () -> r.nextBoolean() ? str(pick(r, "Ann", "Bartholomew")) : new Value.Int(3));
    String resource = r.nextInt(40) == 0 ? "Database::unknown" : pick(r, RESOURCES);
    return new AccessRequest(uid(principal), actions, uid(resource), intent, duration, chain, approvals,
        new Value.RecordV(context), Optional.of(NOW.plusSeconds(3600L * (r.nextInt(48) - 24))), List.of());
  }

  private static void maybe(Random r, Map<String, Value> context, String key, Supplier<Value> value) {
    if (r.nextBoolean()) {
      context.put(key, value.get());
    }
  }
}
