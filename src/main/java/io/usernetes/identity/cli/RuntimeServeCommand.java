package io.usernetes.identity.cli;

import io.usernetes.identity.config.Configuration;
import io.usernetes.identity.daemon.DaemonLog;
import io.usernetes.identity.kernel.ProcessIds;
import io.usernetes.identity.runtime.RuntimeService;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code identity-runtime serve}: the wrapper's resident half, so that a create starts no JVM. */
@Command(name = "identity-runtime serve", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
    header = "Give containers their sparse user namespace without a JVM start per container.",
    description = {
        "identity-runtime starts a JVM for every create and run to rewrite the bundle's",
        "config.json (about 130 ms). With this service running, its launcher sends the",
        "request over PATH instead (a small native client) and this JVM does the work: the",
        "same maps, the same warnings, a few milliseconds. Without it, or when it cannot",
        "serve a request (another mount namespace, a request it cannot read), the launcher",
        "starts the JVM as before: the service is never needed for a container to start.",
        "",
        "The launcher looks at $XDG_RUNTIME_DIR/usernetes-identity/runtime.sock (as root:",
        "/run/usernetes-identity/runtime.sock), the default of --socket. The service uses its",
        "own configuration (uid-map, gid-map, supervisor-socket), read when it starts.",
        "",
        "It must run where the runtime runs, as root of the containers' user namespace: for",
        "rootless podman, podman unshare identity-runtime serve. The socket is created mode",
        "0600 (its directory 0700 if missing); a stale one is replaced, a live one is an",
        "error (exit 2). Only peers whose SO_PEERCRED uid is allowed are served.",
        "",
        "Logs: one line per request, to the log-file setting, else /var/log/usernetes-identity/",
        "identity-runtime.log (root), else $XDG_STATE_HOME (or ~/.local/state)/",
        "usernetes-identity/identity-runtime.log.",
        ""})
final class RuntimeServeCommand implements Callable<Integer> {
  @Mixin SharedOptions shared;

  @Option(names = "--socket", paramLabel = "PATH",
      description = "The socket to listen on (default: where the launcher looks).")
  Path socket;

  @Option(names = "--allow-uid", paramLabel = "UID", split = ",",
      description = "Peer uids served (default: 0 and the service's own uid).")
  List<String> allowUids;

  /** Where the launcher looks for the service; runtime-launcher.sh computes the same. */
  static Path defaultSocket(Map<String, String> environment) {
    String runtimeDir = environment.getOrDefault("XDG_RUNTIME_DIR", "");
    return Path.of(runtimeDir.startsWith("/") ? runtimeDir : "/run", "usernetes-identity", "runtime.sock");
  }

  @Override
  public Integer call() throws IOException {
    Path path = socket != null ? socket : defaultSocket(System.getenv());
    if (ProcessIds.geteuid() != 0) {
      throw new UsageError("serve must run as root of the containers' user namespace, where the runtime runs "
          + "(it runs as uid " + ProcessIds.geteuid() + "); as a rootless podman user: podman unshare "
          + "identity-runtime serve");
    }
    Set<Long> allowed = PeerUids.of(allowUids);
    Configuration config = shared.configuration();
    Optional<Path> logFile = DaemonLog.configure(RuntimeMain.PROGRAM, config.logFile(), config.logLevel(),
        System.getenv());
    Path directory = path.toAbsolutePath().getParent();
    if (!Files.isDirectory(directory)) {
      Files.createDirectories(directory, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    }
    RuntimeService service = RuntimeService.bind(path, allowed,
        (request, err) -> RuntimeMain.run(request.args(), request.cwd(), err, () -> config));
    Runtime.getRuntime().addShutdownHook(new Thread(service::close, "close-socket"));
    LoggerFactory.getLogger(RuntimeMain.PROGRAM).info("serving {} for uids {} with uid-map {} gid-map {} (pid {})",
        path.toAbsolutePath(), allowed, config.uidMap().spec(), config.gidMap().spec(), ProcessHandle.current().pid());
    DaemonLog.callerStderr().println(RuntimeMain.PROGRAM + ": serving " + path.toAbsolutePath() + ", log "
        + logFile.map(Path::toString).orElse("on stderr"));
    DaemonLog.callerStderr().flush();
    service.serve();
    return ExitCodes.OK;
  }
}
