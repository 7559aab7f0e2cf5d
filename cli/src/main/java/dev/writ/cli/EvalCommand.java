package dev.writ.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.writ.engine.batch.RequestBatch;
import dev.writ.engine.decision.Decision;
import dev.writ.engine.entity.EntityReader;
import dev.writ.engine.entity.EntityStore;
import dev.writ.engine.eval.Authorizer;
import dev.writ.engine.eval.DecideOptions;
import dev.writ.engine.json.DataDocument;
import dev.writ.engine.json.DataNode;
import dev.writ.engine.json.DecisionJson;
import dev.writ.engine.eval.EvaluationPlan;
import dev.writ.engine.request.AccessRequest;
import dev.writ.engine.request.RequestReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code writ eval}: decisions for one request, a JSON-lines batch, or standard input, as JSON,
 * one line per request. A batch line that is not a valid request gets {@code {"error", "line"}}
 * in its place and the command exits 2 after the whole batch.
 */
@Command(name = "eval", mixinStandardHelpOptions = true, description = "Decide access requests.")
final class EvalCommand implements Callable<Integer> {
  static final class PolicySource {
    @Option(names = "--bundle", paramLabel = "FILE", description = "A compiled .wbundle file.")
    Path bundle;

    @Option(names = "--policies", paramLabel = "DIR", description = "A directory of .policy files.")
    Path policies;
  }

  static final class Input {
    @Option(names = "--request", paramLabel = "FILE", description = "One request (YAML or JSON).")
    Path request;

    @Option(names = "--requests", paramLabel = "FILE.jsonl", description = "Requests, one JSON object per line.")
    Path requests;

    @Parameters(arity = "0..1", paramLabel = "-", description = "Read requests from standard input.")
    String stdin;
  }

  @ArgGroup(exclusive = true, multiplicity = "1")
  PolicySource source;

  @ArgGroup(exclusive = true, multiplicity = "1")
  Input input;

  @Option(names = "--entities", paramLabel = "FILE", description = "Entity data (YAML or JSON); repeatable.")
  List<Path> entities = new ArrayList<>();

  @Option(names = "--explain", description = "Say, per candidate rule, which clause did not hold.")
  boolean explain;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  /** Where requests come from, kept so that errors can name the file and line. */
  private record Line(int number, String text) {}

  @Override
  public Integer call() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (input.stdin != null && !input.stdin.equals("-")) {
      throw new UserError("unexpected argument `" + input.stdin + "`; use `-` to read requests from standard input");
    }
    EvaluationPlan plan = PlanLoading.load(source.bundle, source.policies, err);
    EntityStore store = new EntityReader(plan.schema()).readFiles(entities);
    Authorizer authorizer = new Authorizer(plan);
    RequestReader reader = new RequestReader(plan.schema());
    Clock clock = Clock.systemUTC();

    if (input.request != null) {
      DataNode node = DataNode.root(DataDocument.read(input.request));
      out.println(DecisionJson.write(decide(authorizer, reader, store, node, clock)).toString());
      return Writ.EXIT_OK;
    }
    String name;
    byte[] bytes;
    if (input.requests != null) {
      name = input.requests.toString();
      bytes = read(input.requests);
    } else {
      name = "<stdin>";
      bytes = System.in.readAllBytes();
      String text = new String(bytes, StandardCharsets.UTF_8);
      if (!looksLikeJsonLines(text)) {
        DataNode node = DataNode.root(DataDocument.parse(name, text, true));
        out.println(DecisionJson.write(decide(authorizer, reader, store, node, clock)).toString());
        return Writ.EXIT_OK;
      }
    }
    RequestBatch batch = new RequestBatch(reader, store, request -> decide(authorizer, store, request, clock));
    boolean valid = batch.run(name, bytes, out);
    out.flush();
    if (!valid) {
      err.println("writ: some requests were invalid; see the `error` lines");
      return Writ.EXIT_USAGE;
    }
    return Writ.EXIT_OK;
  }

  private Decision decide(Authorizer authorizer, EntityStore store, AccessRequest request, Clock clock) {
    DecideOptions options = DecideOptions.at(clock.instant());
    return authorizer.decide(request, store, explain ? options.explaining() : options);
  }

  private Decision decide(Authorizer authorizer, RequestReader reader, EntityStore store, DataNode node, Clock clock) {
    return decide(authorizer, store, reader.request(node), clock);
  }

  private static boolean looksLikeJsonLines(String text) {
    for (String line : text.split("\\R")) {
      if (line.isBlank()) {
        continue;
      }
      try {
        JsonNode n = DataDocument.JSON.readTree(line);
        if (n == null || !n.isObject()) {
          return false;
        }
      } catch (IOException e) {
        return false;
      }
    }
    return true;
  }

  private static byte[] read(Path p) {
    try (InputStream in = Files.newInputStream(p)) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UserError("cannot read " + p + ": " + (e instanceof java.nio.file.NoSuchFileException ? "no such file"
          : e.getMessage()));
    }
  }
}
