package io.usernetes.identity.cli;

import io.usernetes.identity.config.Configuration;
import io.usernetes.identity.daemon.DaemonLog;
import io.usernetes.identity.kernel.ErrnoException;
import io.usernetes.identity.kernel.ProcessIds;
import io.usernetes.identity.kernel.notify.Signals;
import io.usernetes.identity.supervisor.Agent;
import io.usernetes.identity.supervisor.AgentSettings;
import io.usernetes.identity.supervisor.ExplicitIdentity;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.slf4j.event.Level;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Parameters;

/**
 * {@code identity-supervisor run}: one command under a filter this process serves. The filter is
 * installed by the small C helper {@code identity-run} (a JVM cannot run code between fork and
 * exec), which hands its listener fd over the same OCI protocol runtimes use, then becomes CMD.
 */
@Command(name = "run", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
    header = "Run one command whose identity calls answer the given ids.",
    description = {
        "Runs CMD under a seccomp filter served by this process: CMD and everything",
        "it starts are told --uid/--gid/--groups (ids not given are resolved as for a",
        "container, through the host's /etc/passwd and /etc/group).",
        "",
        "Stdin, stdout and stderr are CMD's, and so is the exit status. SIGTERM,",
        "SIGHUP, SIGUSR1 and SIGUSR2 are forwarded to CMD; SIGINT and SIGQUIT are",
        "ignored here (a terminal sends them to CMD itself). Processes CMD leaves",
        "behind are served only while this command runs.",
        "",
        "Example: identity-supervisor run --uid 60000 --gid 60000 -- id",
        ""})
final class RunCommand implements Callable<Integer> {
  static final String HELPER_PROPERTY = "usernetes.identity.helper";

  @ParentCommand SupervisorCommand parent;

  @Option(names = "--uid", paramLabel = "N", description = "The uid CMD is told (getuid, geteuid, getresuid).")
  String uid;

  @Option(names = "--gid", paramLabel = "N", description = "The gid CMD is told (getgid, getegid, getresgid).")
  String gid;

  @Option(names = "--groups", paramLabel = "N[,N...]",
      description = "The supplementary groups CMD is told (getgroups); default: the gid alone when --gid is given.")
  String groups;

  @Parameters(arity = "1..*", paramLabel = "CMD", description = "The command and its arguments.")
  List<String> command;

  @Override
  public Integer call() throws IOException, InterruptedException {
    String metadata = metadata();
    Path helper = helper();
    Configuration config = parent.shared.configuration();
    DaemonLog.configure("identity-supervisor", config.logFile(), config.logLevel(), System.getenv());
    Path dir = Files.createTempDirectory(runtimeDirectory(), "identity-supervisor-",
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    Path socket = dir.resolve("agent.sock");
    Agent agent = Agent.bind(new AgentSettings(socket, Set.of(ProcessIds.getuid()), config.uidMap(),
        config.gidMap(), true));
    try {
      Thread serving = new Thread(agent::serve, "agent");
      serving.setDaemon(true);
      serving.start();
      List<String> argv = new ArrayList<>(List.of(helper.toString(), socket.toString(), metadata));
      argv.addAll(command);
      Process child = new ProcessBuilder(argv).inheritIO().start();
      forwardSignals(child);
      return child.waitFor();
    } finally {
      agent.close();
      Files.deleteIfExists(socket);
      Files.deleteIfExists(dir);
    }
  }

  /** The explicit identity as {@code listenerMetadata} lines, checked here so errors are usage errors. */
  String metadata() {
    StringBuilder m = new StringBuilder();
    if (uid != null) {
      m.append("UID=").append(ServeCommand.parseId(uid, "--uid")).append('\n');
    }
    if (gid != null) {
      m.append("GID=").append(ServeCommand.parseId(gid, "--gid")).append('\n');
    }
    if (groups != null) {
      long[] list = ExplicitIdentity.parseGroups(groups).orElseThrow(() -> new UsageError(
          "--groups \"" + groups + "\" is not a comma-separated list of at most "
              + ExplicitIdentity.MAX_GROUPS + " ids"));
      m.append("GROUPS=").append(Arrays.stream(list).mapToObj(Long::toString)
          .collect(Collectors.joining(","))).append('\n');
    }
    return m.toString();
  }

  /** {@code identity-run}: named by the launcher, else next to the jar (as the build leaves it). */
  static Path helper() {
    String named = System.getProperty(HELPER_PROPERTY);
    Path candidate;
    if (named != null && !named.isEmpty()) {
      candidate = Path.of(named);
    } else {
      try {
        Path jar = Path.of(RunCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        candidate = (Files.isDirectory(jar) ? jar.getParent() : jar.getParent()).resolve("identity-run");
      } catch (java.net.URISyntaxException | RuntimeException e) {
        throw new UsageError("cannot locate the identity-run helper; set -D" + HELPER_PROPERTY + "=PATH");
      }
    }
    if (!Files.isExecutable(candidate)) {
      throw new UsageError("the helper " + candidate + " is missing or not executable; "
          + "reinstall with scripts/install");
    }
    return candidate;
  }

  private static Path runtimeDirectory() {
    String xdg = System.getenv("XDG_RUNTIME_DIR");
    if (xdg != null && xdg.startsWith("/") && Files.isDirectory(Path.of(xdg))) {
      return Path.of(xdg);
    }
    return Path.of(System.getProperty("java.io.tmpdir", File.separator + "tmp"));
  }

  @SuppressWarnings("removal")
  private static void forwardSignals(Process child) {
    for (String name : List.of("TERM", "HUP", "USR1", "USR2")) {
      try {
        sun.misc.Signal.handle(new sun.misc.Signal(name), s -> {
          try {
            Signals.send(child.pid(), s.getNumber());
          } catch (ErrnoException ignored) {
            // the child has exited: its status is on its way
          }
        });
      } catch (IllegalArgumentException unavailable) {
        // the JVM reserves this signal (e.g. USR1 with some options): not forwarded
      }
    }
    for (String name : List.of("INT", "QUIT")) {
      try {
        sun.misc.Signal.handle(new sun.misc.Signal(name), sun.misc.SignalHandler.SIG_IGN);
      } catch (IllegalArgumentException unavailable) {
        // not ignorable here
      }
    }
  }

}
