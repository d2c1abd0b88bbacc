package io.usernetes.identity.cli;

import io.usernetes.identity.idmap.IdMap;
import java.io.PrintWriter;
import picocli.CommandLine;

/** Entry point of the {@code identity-map} launcher. */
public final class IdentityMapMain {
  private IdentityMapMain() {}

  public static void main(String[] args) {
    ArgumentBytes.remember(args);
    System.exit(commandLine().execute(args));
  }

  /** Runs with the given output streams (for tests and embedding); returns the exit status. */
  public static int run(PrintWriter out, PrintWriter err, String... args) {
    return ProgramCommandLine.run(commandLine(), out, err, args);
  }

  private static CommandLine commandLine() {
    System.setProperty("usernetes.default.map", IdMap.DEFAULT_SPEC);
    return ProgramCommandLine.create("identity-map", new IdentityMapCommand());
  }
}
