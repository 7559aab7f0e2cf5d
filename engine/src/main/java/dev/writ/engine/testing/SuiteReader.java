package dev.writ.engine.testing;

import dev.writ.engine.json.DataDocument;
import dev.writ.engine.json.DataException;
import dev.writ.engine.json.DataNode;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/** Reads a suite file and checks its structure, with file, line and field in every error. */
public final class SuiteReader {
  private static final Set<String> TOP = Set.of("suite", "now", "policies", "entities", "cases", "scenarios",
      "description");
  private static final Set<String> CASE = Set.of("name", "request", "expect", "description");
  private static final Set<String> SCENARIO = Set.of("name", "steps", "audit", "description");
  private static final Map<FixtureSuite.StepKind, Set<String>> STEP_FIELDS = Map.ofEntries(
      Map.entry(FixtureSuite.StepKind.NARROW, Set.of("narrow", "actions", "duration", "reason", "at", "expect")),
      Map.entry(FixtureSuite.StepKind.END_TASK, Set.of("end_task", "reason", "at", "expect")),
      Map.entry(FixtureSuite.StepKind.REQUEST, Set.of("request", "as", "expect")),
      Map.entry(FixtureSuite.StepKind.APPROVE, Set.of("approve", "by", "at", "expect")),
      Map.entry(FixtureSuite.StepKind.DELEGATE, Set.of("delegate", "to", "actions", "duration", "as", "at", "expect")),
      Map.entry(FixtureSuite.StepKind.ACT, Set.of("act", "expect")),
      Map.entry(FixtureSuite.StepKind.REVOKE, Set.of("revoke", "reason", "at", "expect")),
      Map.entry(FixtureSuite.StepKind.OFFBOARD, Set.of("offboard", "at", "expect")),
      Map.entry(FixtureSuite.StepKind.ADVANCE, Set.of("advance")));

  private SuiteReader() {}

  /** Whether a file is a suite by its name ({@code *_test.yaml} or {@code *_test.yml}). */
  public static boolean isSuite(Path p) {
    String n = p.getFileName().toString();
    return n.endsWith("_test.yaml") || n.endsWith("_test.yml");
  }

  /**
   * @param defaultPolicies the policy directory used when the suite names none
   * @throws DataException when the suite cannot be read
   */
  public static FixtureSuite read(Path file, Path defaultPolicies) {
    DataNode root = DataNode.root(DataDocument.read(file));
    if (root.isMissing()) {
      throw root.error("the suite is empty");
    }
    root.requireObject().onlyFields(TOP);
    String fileName = file.getFileName().toString();
    String name = root.field("suite").optString().orElse(fileName.replaceAll("_test\\.ya?ml$", ""));
    DataNode nowNode = root.field("now");
    Optional<Instant> now = nowNode.isMissing() ? Optional.empty() : Optional.of(nowNode.instant());
    Path policies = root.field("policies").optString()
        .map(p -> file.toAbsolutePath().getParent().resolve(p).normalize())
        .orElse(defaultPolicies);
    List<FixtureSuite.Case> cases = new ArrayList<>();
    Set<String> names = new HashSet<>();
    DataNode casesNode = root.field("cases");
    if (!casesNode.isMissing()) {
      for (DataNode c : casesNode.elements()) {
        c.requireObject().onlyFields(CASE);
        String caseName = c.required("name").scalarText();
        unique(names, caseName, c);
        // Checked when the case runs, like its request: a malformed `expect` fails its case only.
        cases.add(new FixtureSuite.Case(caseName, c.required("request"), c.required("expect"), c));
      }
    }
    List<FixtureSuite.Scenario> scenarios = new ArrayList<>();
    DataNode scenariosNode = root.field("scenarios");
    if (!scenariosNode.isMissing()) {
      for (DataNode s : scenariosNode.elements()) {
        s.requireObject().onlyFields(SCENARIO);
        String scenarioName = s.required("name").scalarText();
        unique(names, scenarioName, s);
        List<FixtureSuite.Step> steps = new ArrayList<>();
        for (DataNode step : s.required("steps").elements()) {
          steps.add(step(step));
        }
        DataNode audit = s.field("audit");
        if (!audit.isMissing()) {
          audit.elements().forEach(DataNode::requireObject);
        }
        scenarios.add(new FixtureSuite.Scenario(scenarioName, steps, audit, s));
      }
    }
    if (cases.isEmpty() && scenarios.isEmpty()) {
      throw root.error("the suite has no `cases` and no `scenarios`");
    }
    return new FixtureSuite(file, name, now, policies, root.field("entities"), cases, scenarios);
  }

  private static void unique(Set<String> names, String name, DataNode n) {
    if (!names.add(name)) {
      throw n.field("name").error("`" + name + "` is used by another case or scenario of this suite; names must be unique");
    }
  }

  private static FixtureSuite.Step step(DataNode step) {
    step.requireObject();
    List<FixtureSuite.StepKind> kinds = Arrays.stream(FixtureSuite.StepKind.values())
        .filter(k -> !step.field(k.key()).isMissing()).toList();
    if (kinds.size() != 1) {
      String known = Arrays.stream(FixtureSuite.StepKind.values()).map(FixtureSuite.StepKind::key)
          .collect(Collectors.joining(", "));
      List<String> given = new ArrayList<>();
      step.node().fieldNames().forEachRemaining(given::add);
      throw step.error(kinds.isEmpty()
          ? "unknown step kind (fields " + given + "); a step is one of " + known
          : "a step has exactly one kind, but this one has " + kinds.stream().map(FixtureSuite.StepKind::key).toList());
    }
    FixtureSuite.StepKind kind = kinds.get(0);
    step.onlyFields(STEP_FIELDS.get(kind));
    return new FixtureSuite.Step(kind, step);
  }
}
