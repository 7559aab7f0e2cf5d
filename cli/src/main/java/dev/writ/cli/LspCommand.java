package dev.writ.cli;

import dev.writ.lsp.WritLanguageServer;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code writ lsp}: the language server for editors, over standard input and output. */
@Command(name = "lsp", mixinStandardHelpOptions = true,
    description = {"Run the language server for .policy files (Language Server Protocol over standard input "
        + "and output), for editors: diagnostics as you type, formatting, go to definition, references, hover, "
        + "completion and document symbols. See docs/editors.md."})
final class LspCommand implements Callable<Integer> {
  @Option(names = "--stdio", description = "Accepted for clients that pass it: standard input and output is the only "
      + "transport.")
  boolean stdio;

  @Override
  public Integer call() {
    // Standard output carries the protocol: anything else printed there would corrupt it.
    FileOutputStream protocol = new FileOutputStream(FileDescriptor.out);
    PrintStream stdout = System.out;
    System.setOut(System.err);
    try {
      return WritLanguageServer.serve(new FileInputStream(FileDescriptor.in), protocol);
    } finally {
      System.setOut(stdout);
    }
  }
}
