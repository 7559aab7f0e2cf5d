package dev.writ.cli;

import dev.writ.engine.entity.EntityReader;
import dev.writ.engine.eval.EvaluationPlan;
import dev.writ.engine.inventory.Inventory;
import dev.writ.engine.inventory.InventoryBuilder;
import dev.writ.engine.inventory.InventoryJson;
import dev.writ.engine.inventory.InventoryText;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code writ inventory}: standing privilege, who can do what without a just-in-time grant. */
@Command(name = "inventory", mixinStandardHelpOptions = true,
    description = "Standing privilege: every principal (human, machine, agent) and what it can do without a "
        + "just-in-time grant; agents that need no sponsor; unapproved access to sensitive resources.")
final class InventoryCommand implements Callable<Integer> {
  @ArgGroup(exclusive = true, multiplicity = "1")
  EvalCommand.PolicySource source;

  @Option(names = "--entities", required = true, paramLabel = "FILE", description = "Entity data (YAML or JSON); "
      + "repeatable.")
  List<Path> entities = new ArrayList<>();

  @Option(names = "--format", paramLabel = "text|json", defaultValue = "text", description = "Output format (default "
      + "text).")
  String format;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    if (!format.equals("text") && !format.equals("json")) {
      throw new UserError("--format: expected `text` or `json`, not `" + format + "`");
    }
    EvaluationPlan plan = PlanLoading.load(source.bundle, source.policies, spec.commandLine().getErr());
    Inventory inv = InventoryBuilder.build(plan, new EntityReader(plan.schema()).readFiles(entities));
    if (format.equals("json")) {
      out.println(InventoryJson.write(inv).toPrettyString());
    } else {
      out.print(InventoryText.render(inv));
    }
    return Writ.EXIT_OK;
  }
}
