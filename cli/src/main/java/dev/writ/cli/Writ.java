package dev.writ.cli;

import dev.writ.engine.entity.EntityDataException;
import dev.writ.engine.eval.BadRequestException;
import dev.writ.engine.json.DataException;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The {@code writ} command. Subcommands are thin: they parse options and call the engine.
 * Exit codes (README, "A tour"): 0 success, 1 failures found, 2 usage or unreadable input. No
 * user mistake ever prints a stack trace; {@code --debug} shows one for bug reports.
 */
@Command(name = "writ", mixinStandardHelpOptions = true, versionProvider = Writ.Version.class,
    description = "Policy-as-code for runtime access governance: task-bound, just-in-time, delegated access.",
    subcommands = {CheckCommand.class, FmtCommand.class, TestCommand.class, BundleCommand.class, EvalCommand.class,
        ServeCommand.class, AuditCommand.class, ImpactCommand.class, InventoryCommand.class, KeygenCommand.class,
        TokenCommand.class, LspCommand.class, CommandLine.HelpCommand.class})
public final class Writ implements Runnable {
  public static final int EXIT_OK = 0;
  public static final int EXIT_FAILURES = 1;
  public static final int EXIT_USAGE = 2;

  @Option(names = "--debug", description = "Show stack traces of unexpected errors.", scope = CommandLine.ScopeType.INHERIT)
  boolean debug;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "a command is required (check, fmt, test, bundle, "
        + "eval, serve, audit, impact, inventory, keygen, token, lsp); see `writ --help`");
  }

  public static void main(String[] args) {
    System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
  }

  /** Runs the command with the given streams; returns the exit code. */
  public static int run(String[] args, PrintWriter out, PrintWriter err) {
    CommandLine cmd = commandLine();
    cmd.setOut(out);
    cmd.setErr(err);
    int code = cmd.execute(args);
    out.flush();
    err.flush();
    return code;
  }

  static CommandLine commandLine() {
    CommandLine cmd = new CommandLine(new Writ());
    cmd.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
      PrintWriter err = commandLine.getErr();
      boolean debug = parseResult.hasMatchedOption("--debug");
      if (ex instanceof UserError u) {
        err.println("writ: " + u.getMessage());
        return u.exitCode();
      }
      if (ex instanceof DataException d) {
        err.println("writ: " + d.describe());
        return EXIT_USAGE;
      }
      if (ex instanceof EntityDataException d) {
        err.println("writ: " + d.describe());
        return EXIT_USAGE;
      }
      if (ex instanceof BadRequestException b) {
        err.println("writ: bad request: " + b.getMessage());
        return EXIT_USAGE;
      }
      err.println("writ: internal error: " + ex + (debug ? "" : " (run with --debug for details, and please report it)"));
      if (debug) {
        ex.printStackTrace(err);
      }
      return EXIT_USAGE;
    });
    return cmd;
  }

  /** The version from the jar's manifest when packaged. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Writ.class.getPackage().getImplementationVersion();
      return new String[] {"writ " + (v == null ? "development build" : v)};
    }
  }
}
