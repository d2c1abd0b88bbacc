package io.usernetes.identity.cli;

import io.usernetes.identity.config.ConfigException;
import io.usernetes.identity.config.ConfigLoader;
import io.usernetes.identity.config.Configuration;
import io.usernetes.identity.daemon.DaemonLog;
import io.usernetes.identity.daemon.FallbackNotice;
import io.usernetes.identity.daemon.LowMemory;
import io.usernetes.identity.kernel.Daemonize;
import io.usernetes.identity.kernel.ErrnoException;
import io.usernetes.identity.kernel.KernelFallback;
import io.usernetes.identity.kernel.ProcessIds;
import io.usernetes.identity.layers.LayerStack;
import io.usernetes.identity.mount.LiveMount;
import io.usernetes.identity.mount.options.Layers;
import io.usernetes.identity.mount.options.MountInvocation;
import io.usernetes.identity.mount.options.MountUsageException;
import io.usernetes.identity.service.MountRequest;
import io.usernetes.identity.service.MountService;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The resident mount service behind the {@code usernetes-identity} launcher: one JVM per user and
 * namespace that makes and serves every mount asked of it there ({@link MountService}). The
 * launcher starts it, in the background, when its native client finds nobody listening:
 *
 * <pre>MountServiceMain SOCKET</pre>
 *
 * <p>It prints {@code listening} on stdout once its socket is bound, then detaches (stderr onto
 * its log file, where libfuse's own messages then go), and exits once its last mount is gone.
 * It makes a mount only as the mount program would have made it in its own JVM; a request that
 * would come out differently here falls back to a JVM of its own: relative paths from another
 * working directory, or another log file, log level or kernel fallback than this JVM's.
 */
public final class MountServiceMain {
  private static final String PROGRAM = MountMain.PROGRAM;
  /** A service its launcher never used (the launcher died) does not stay. */
  private static final Duration FIRST_REQUEST = Duration.ofSeconds(30);

  private MountServiceMain() {}

  public static void main(String[] args) {
    System.exit(run(args));
  }

  static int run(String[] args) {
    if (args.length != 1 || !args[0].startsWith("/")) {
      return MountMain.fail("usage: " + MountServiceMain.class.getName() + " SOCKET (an absolute path); the"
          + " usernetes-identity launcher starts it", ExitCodes.USAGE);
    }
    if (!Charset.defaultCharset().equals(StandardCharsets.ISO_8859_1)) {
      return MountMain.fail("the JVM must run with -Dfile.encoding=ISO-8859-1 so file names keep their bytes", ExitCodes.USAGE);
    }
    Configuration own;
    try {
      own = ConfigLoader.forThisProcess().load(Map.of(), Optional.empty());
    } catch (ConfigException e) {
      return MountMain.fail(e.getMessage(), ExitCodes.USAGE);
    }
    Optional<Path> logFile = DaemonLog.configure(PROGRAM, own.logFile(), own.logLevel(), System.getenv());
    LiveMount.warmUpInBackground(); // after SLF4J's configuration: it warns of loggers made during it
    Logger log = LoggerFactory.getLogger(PROGRAM + "[" + ProcessHandle.current().pid() + "]");
    Daemonize.umask(0);
    FallbackNotice.log(log);
    Path socket = Path.of(args[0]);
    String cwd = Path.of("").toAbsolutePath().toString();
    String libfuseSays = logFile.map(f -> "libfuse's message is in " + f).orElse("libfuse's message was lost");
    MountService.Mounter mounter = (request, err) -> mount(request, err, own, cwd, logFile, libfuseSays, log);
    MountService service;
    try {
      Files.createDirectories(socket.getParent(),
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      service = MountService.bind(socket, Set.of(ProcessIds.geteuid()), mounter);
    } catch (IOException e) {
      log.error("cannot serve mounts on {}: {}", socket, e.getMessage());
      return MountMain.fail("cannot serve mounts on " + socket + ": " + e.getMessage(), 1);
    }
    Runtime.getRuntime().addShutdownHook(new Thread(service::close, "close-socket"));
    log.info("serving mounts on {} (pid {}, log {})", socket, ProcessHandle.current().pid(),
        logFile.map(Path::toString).orElse("lost"));
    System.out.println("listening");
    System.out.flush();
    try {
      Daemonize.detachStdio(logFile.map(f -> f.toString().getBytes(StandardCharsets.ISO_8859_1)));
    } catch (ErrnoException e) {
      log.warn("cannot detach from the caller's descriptors: {}", e.getMessage());
    }
    watchTheHeap(log);
    service.serve(FIRST_REQUEST);
    log.info("no mount left on {}; exiting", socket);
    return ExitCodes.OK;
  }

  /**
   * The mounts share this heap: when a collection leaves it more than 70% full, drop the shared
   * listings rather than let one mount's appetite end every mount with an OutOfMemoryError.
   * Registered off the first mount's path (the management beans take a while to start).
   */
  private static void watchTheHeap(Logger log) {
    Thread t = new Thread(() -> {
      if (!LowMemory.whenOldGenerationAbove(0.7, LayerStack::shedSharedCaches)) {
        log.warn("no heap pool reports its use after collections: caches are not shed when memory runs short");
      }
    }, "watch-heap");
    t.setDaemon(true);
    t.start();
  }

  /** What the mount program's own JVM would do with the request, short of serving it there. */
  private static MountService.Outcome mount(MountRequest request, PrintStream err, Configuration own, String cwd,
      Optional<Path> ownLog, String libfuseSays, Logger log) {
    MountInvocation invocation;
    Configuration config;
    try {
      invocation = MountInvocation.parse(request.args().toArray(String[]::new));
      if (invocation.help() || invocation.version() || invocation.foreground()) {
        return MountService.Outcome.FALLBACK; // the launcher runs those in place
      }
      config = ConfigLoader.forEnvironment(request.environment())
          .load(invocation.options().identity().settings(), Optional.empty());
    } catch (MountUsageException | ConfigException e) {
      err.println(PROGRAM + ": " + e.getMessage());
      return MountService.Outcome.failed(ExitCodes.USAGE);
    }
    Optional<String> different = processWideDifference(request, invocation, config, own, cwd, ownLog);
    if (different.isPresent()) {
      log.info("{}: {}; it gets a JVM of its own", invocation.mountpoint().orElseThrow(), different.get());
      return MountService.Outcome.FALLBACK;
    }
    LiveMount mount;
    try {
      mount = LiveMount.open(invocation, config, request.environment(),
          ownLog.map(Path::toString).orElse("lost"), libfuseSays, log);
    } catch (LiveMount.Failure e) {
      err.println(PROGRAM + ": " + e.getMessage());
      return MountService.Outcome.failed(1);
    }
    mount.ended().whenComplete((end, ignored) -> {
      if (end != null) {
        log.error("FUSE session for {} ended with an error", mount.mountpoint(), end);
      } else {
        log.info("{} unmounted", mount.mountpoint());
      }
    });
    return new MountService.Outcome(0, mount.ended(), mount::unmount);
  }

  /** What would make this mount differ from one made in a JVM of its own, if anything. */
  static Optional<String> processWideDifference(MountRequest request, MountInvocation invocation,
      Configuration config, Configuration own, String cwd, Optional<Path> ownLog) {
    if (!request.cwd().equals(cwd) && paths(invocation).anyMatch(p -> !p.startsWith("/"))) {
      return Optional.of("relative paths from " + request.cwd() + " (this service runs in " + cwd + ")");
    }
    if (!Objects.equals(request.environment().get(KernelFallback.VARIABLE), System.getenv(KernelFallback.VARIABLE))) {
      return Optional.of("another " + KernelFallback.VARIABLE);
    }
    if (!config.logFile().equals(own.logFile()) || config.logLevel() != own.logLevel()) {
      return Optional.of("another log file or level than this service's (" + ownLog.map(Path::toString).orElse("none")
          + ", " + own.logLevel() + ")");
    }
    return Optional.empty();
  }

  private static Stream<String> paths(MountInvocation invocation) {
    Layers layers = invocation.options().layers();
    List<String> all = new ArrayList<>(layers.lowerDirs());
    layers.upperDir().ifPresent(all::add);
    layers.workDir().ifPresent(all::add);
    invocation.mountpoint().ifPresent(all::add);
    return all.stream();
  }
}
