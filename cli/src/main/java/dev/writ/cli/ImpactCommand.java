package dev.writ.cli;

import dev.writ.engine.audit.AuditException;
import dev.writ.engine.entity.EntityReader;
import dev.writ.engine.entity.EntityStore;
import dev.writ.engine.eval.Authorizer;
import dev.writ.engine.eval.EvaluationPlan;
import dev.writ.engine.impact.FailOn;
import dev.writ.engine.impact.ImpactAnalyzer;
import dev.writ.engine.impact.ImpactJson;
import dev.writ.engine.impact.ImpactReport;
import dev.writ.engine.impact.ImpactText;
import dev.writ.engine.impact.Replay;
import dev.writ.engine.impact.Replays;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code writ impact}: replays requests (an audit trail, a JSON-lines file or the fixture
 * suites) against the old and the new policies and reports what changed. Exit 0 with the report;
 * 1 when {@code --fail-on} says so; 2 on usage or unreadable input.
 */
@Command(name = "impact", mixinStandardHelpOptions = true,
    description = "What a policy change changes: replay requests against the old and the new policies and report "
        + "every request decided differently (widened, narrowed), with the rules responsible.")
final class ImpactCommand implements Callable<Integer> {
  static final class Input {
    @Option(names = "--trail", paramLabel = "FILE",
        description = "An audit trail (writ-data/audit.jsonl or `writ audit export` output): every recorded request "
            + "and delegated request, as it was made.")
    Path trail;

    @Option(names = "--requests", paramLabel = "FILE.jsonl", description = "Requests, one JSON object per line.")
    Path requests;

    @Option(names = "--tests", paramLabel = "DIR", description = "Fixture suites: the requests of their cases, with "
        + "the suites' entities.")
    Path tests;
  }

  @Option(names = "--old", required = true, paramLabel = "BUNDLE|DIR", description = "The policies before: a .wbundle "
      + "file or a policy directory.")
  Path old;

  @Option(names = "--new", required = true, paramLabel = "BUNDLE|DIR", description = "The policies after.")
  Path now;

  @ArgGroup(exclusive = true, multiplicity = "1")
  Input input;

  @Option(names = "--entities", paramLabel = "FILE", description = "Entity data for --trail and --requests (what the "
      + "recorded run had); repeatable. Suites bring their own.")
  List<Path> entities = new ArrayList<>();

  @Option(names = "--fail-on", paramLabel = "widen|any", description = "Exit 1 when any request is widened (widen) or "
      + "anything changed (any).")
  String failOn;

  @Option(names = "--format", paramLabel = "text|json", defaultValue = "text", description = "Output format (default "
      + "text).")
  String format;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    FailOn fail = null;
    if (failOn != null) {
      fail = FailOn.parse(failOn);
      if (fail == null) {
        throw new UserError("--fail-on: expected `widen` or `any`, not `" + failOn + "`");
      }
    }
    if (!format.equals("text") && !format.equals("json")) {
      throw new UserError("--format: expected `text` or `json`, not `" + format + "`");
    }
    if (input.tests != null && !entities.isEmpty()) {
      throw new UserError("--entities: not with --tests (each suite names its own entities)");
    }
    EvaluationPlan before = load(old, "--old", err);
    EvaluationPlan after = load(now, "--new", err);
    ImpactAnalyzer analyzer = new ImpactAnalyzer(new Authorizer(before), new Authorizer(after));
    ImpactReport report;
    if (input.trail != null) {
      Replays.FromTrail trail;
      try {
        trail = Replays.trail(input.trail, entities(before), entities(after));
      } catch (AuditException e) {
        throw new UserError(e.getMessage());
      }
      report = analyzer.analyze(trail.replays(), trail.active(), trail.descendants());
    } else {
      List<Replay> replays;
      if (input.requests != null) {
        replays = Replays.requests(input.requests, before, after, entities(before), entities(after), Instant.now());
      } else {
        if (!Files.isDirectory(input.tests)) {
          throw new UserError("--tests: " + input.tests + " is not a directory");
        }
        replays = Replays.suites(input.tests, Files.isDirectory(now) ? now : input.tests, before, after,
            Instant.now());
      }
      report = analyzer.analyze(replays, List.of(), Map.of());
    }
    if (format.equals("json")) {
      out.println(ImpactJson.write(report).toPrettyString());
    } else {
      out.print(ImpactText.render(report));
    }
    out.flush();
    return fail != null && fail.fails(report) ? Writ.EXIT_FAILURES : Writ.EXIT_OK;
  }

  private EntityStore entities(EvaluationPlan plan) {
    return new EntityReader(plan.schema()).readFiles(entities);
  }

  private static EvaluationPlan load(Path p, String option, PrintWriter err) {
    if (Files.isRegularFile(p)) {
      return PlanLoading.load(p, null, err);
    }
    if (Files.isDirectory(p)) {
      return PlanLoading.load(null, p, err);
    }
    throw new UserError(option + ": " + p + (Files.exists(p) ? " is neither a bundle file nor a directory"
        : ": no such file or directory"));
  }
}
