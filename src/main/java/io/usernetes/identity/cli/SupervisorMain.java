package io.usernetes.identity.cli;

import io.usernetes.identity.idmap.IdMap;
import java.io.PrintWriter;
import picocli.CommandLine;

/** Entry point of the {@code identity-supervisor} launcher. */
public final class SupervisorMain {
  private SupervisorMain() {}

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /** Runs with the given output streams (for tests); returns the exit status. */
  public static int run(PrintWriter out, PrintWriter err, String... args) {
    return ProgramCommandLine.run(commandLine(), out, err, args);
  }

  static CommandLine commandLine() {
    System.setProperty("usernetes.default.map", IdMap.DEFAULT_SPEC);
    CommandLine cli = ProgramCommandLine.create("identity-supervisor", new SupervisorCommand());
    // everything after CMD belongs to CMD, options included: `run -- ls -l` and `run ls -l`
    cli.getSubcommands().get("run").setStopAtPositional(true);
    return cli;
  }
}
