package io.usernetes.identity.cli;

import io.usernetes.identity.config.Configuration;
import io.usernetes.identity.daemon.DaemonLog;
import io.usernetes.identity.idmap.Ids;
import io.usernetes.identity.kernel.ProcessIds;
import io.usernetes.identity.supervisor.Agent;
import io.usernetes.identity.supervisor.AgentSettings;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code identity-supervisor serve}: the seccomp agent OCI runtimes hand listener fds to. */
@Command(name = "serve", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
    header = "Serve the listener fds OCI runtimes send to a unix socket (listenerPath).",
    description = {
        "Listens on PATH for OCI runtimes (runc, crun; under containerd, CRI-O or",
        "podman) that hand over a container's seccomp listener fd because its",
        "profile says \"listenerPath\": PATH, and answers the container's identity calls",
        "until it ends. The profile must send getuid, geteuid, getgid, getegid and",
        "the getres*id, getgroups and *32 variants to SCMP_ACT_NOTIFY (see profiles/).",
        "",
        "The socket is created mode 0600; a stale socket at PATH (connect refused) is",
        "replaced, a live one (something answers a connect) is an error: exit 2. Only",
        "peers whose SO_PEERCRED uid is allowed may hand over fds.",
        "",
        "It must run as root of the containers' user namespace: a rootless user's",
        "supervisor cannot read a FUSE-rooted container's files or write its memory",
        "from outside it. Rootless podman: podman unshare identity-supervisor serve ...",
        "",
        "Logs: one line per container attach and detach, warnings for ambiguous ids;",
        "to the log-file setting, else /var/log/usernetes-identity/",
        "identity-supervisor.log (root), else $XDG_STATE_HOME (or ~/.local/state)",
        "/usernetes-identity/identity-supervisor.log.",
        ""})
final class ServeCommand implements Callable<Integer> {
  @ParentCommand SupervisorCommand parent;

  @Option(names = "--socket", required = true, paramLabel = "PATH",
      description = "The socket to listen on: the profile's listenerPath (absolute for crun).")
  Path socket;

  @Option(names = "--allow-uid", paramLabel = "UID", split = ",",
      description = "Peer uids allowed to hand over listener fds (default: 0 and the "
          + "supervisor's own uid). On Usernetes the runtime is uid 0 of the node's namespace.")
  List<String> allowUids;

  @Option(names = "--handoff-timeout", paramLabel = "SECONDS", defaultValue = "10",
      description = "How long a runtime may take to send its whole state message; a silent "
          + "or slow peer is cut off then (default: ${DEFAULT-VALUE}).")
  int handoffTimeoutSeconds;

  @Option(names = "--debug", description = "Log every notification (log level debug).")
  boolean debug;

  @Override
  public Integer call() throws IOException {
    if (ProcessIds.geteuid() != 0) {
      // outside the namespace FUSE refuses /proc/PID/root (it admits only its mount's
      // namespace) and /proc/PID/mem is not ours to write: every answer would be the kernel id
      throw new UsageError("serve must run as root of the containers' user namespace (it runs as uid "
          + ProcessIds.geteuid() + "); as a rootless podman user: podman unshare identity-supervisor serve "
          + "--socket " + socket);
    }
    Set<Long> allowed = PeerUids.of(allowUids);
    if (handoffTimeoutSeconds < 1 || handoffTimeoutSeconds > 3600) {
      throw new UsageError("--handoff-timeout " + handoffTimeoutSeconds + " is not from 1 to 3600 seconds");
    }
    Configuration config = parent.shared.configuration();
    Optional<Path> logFile = DaemonLog.configure("identity-supervisor", config.logFile(),
        debug ? Level.DEBUG : config.logLevel(), System.getenv());
    Agent agent = Agent.bind(new AgentSettings(socket, allowed, config.uidMap(), config.gidMap(), true,
        java.time.Duration.ofSeconds(handoffTimeoutSeconds)));
    Runtime.getRuntime().addShutdownHook(new Thread(agent::close, "close-socket"));
    LoggerFactory.getLogger("identity-supervisor").info("serving {} for uids {} with uid-map {} gid-map {} (pid {})",
        socket.toAbsolutePath(), allowed, config.uidMap().spec(), config.gidMap().spec(),
        ProcessHandle.current().pid());
    DaemonLog.callerStderr().println("identity-supervisor: serving " + socket.toAbsolutePath() + ", log "
        + logFile.map(Path::toString).orElse("on stderr"));
    DaemonLog.callerStderr().flush();
    agent.serve();
    return ExitCodes.OK;
  }

  static long parseId(String text, String option) {
    try {
      return Ids.parseOrThrow(text, option);
    } catch (IllegalArgumentException e) {
      throw new UsageError(e.getMessage());
    }
  }
}
