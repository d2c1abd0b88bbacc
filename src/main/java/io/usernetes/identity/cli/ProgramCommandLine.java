package io.usernetes.identity.cli;

import io.usernetes.identity.config.ConfigException;
import io.usernetes.identity.daemon.DaemonLog;
import io.usernetes.identity.idmap.InvalidIdMapException;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import picocli.CommandLine;

/**
 * A picocli command line with this project's conventions: every error is one line on stderr,
 * prefixed with the program's name, and exit status 2; no stack traces for bad input.
 */
public final class ProgramCommandLine {
  private ProgramCommandLine() {}

  public static CommandLine create(String program, Object command) {
    CommandLine cli = new CommandLine(command);
    cli.setCommandName(program);
    // the stderr the program was started with, even once a daemon's log has taken System.err
    cli.setErr(new PrintWriter(DaemonLog.callerStderr(), true));
    cli.setParameterExceptionHandler((e, args) -> {
      PrintWriter err = e.getCommandLine().getErr();
      err.println(program + ": " + e.getMessage() + " (see '"
          + e.getCommandLine().getCommandSpec().qualifiedName() + " --help')");
      err.flush();
      return ExitCodes.USAGE;
    });
    cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
      PrintWriter err = commandLine.getErr();
      err.println(program + ": " + messageOf(e));
      err.flush();
      if (isExpected(e)) {
        return ExitCodes.USAGE;
      }
      throw e; // a bug: keep the stack trace
    });
    return cli;
  }

  /** Runs with the given output streams (for tests and embedding); returns the exit status. */
  public static int run(CommandLine cli, PrintWriter out, PrintWriter err, String... args) {
    cli.setOut(out);
    cli.setErr(err);
    return cli.execute(args);
  }

  private static boolean isExpected(Exception e) {
    return e instanceof UsageError || e instanceof ConfigException
        || e instanceof InvalidIdMapException || e instanceof IOException
        || e instanceof UncheckedIOException;
  }

  private static String messageOf(Exception e) {
    if (e instanceof UncheckedIOException u) {
      return IoMessages.describe(u.getCause());
    }
    if (e instanceof IOException io) {
      return IoMessages.describe(io);
    }
    return e.getMessage();
  }
}
