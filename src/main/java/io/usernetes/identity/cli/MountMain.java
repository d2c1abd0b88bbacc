package io.usernetes.identity.cli;

import io.usernetes.identity.config.ConfigException;
import io.usernetes.identity.config.ConfigLoader;
import io.usernetes.identity.config.Configuration;
import io.usernetes.identity.daemon.DaemonLog;
import io.usernetes.identity.daemon.FallbackNotice;
import io.usernetes.identity.fuse.FuseMountException;
import io.usernetes.identity.fuse.FuseSession;
import io.usernetes.identity.fuse.OverlayFuse;
import io.usernetes.identity.kernel.Daemonize;
import io.usernetes.identity.kernel.ErrnoException;
import io.usernetes.identity.kernel.Mounts;
import io.usernetes.identity.kernel.Xattrs;
import io.usernetes.identity.mount.MountSetup;
import io.usernetes.identity.mount.MountSetupException;
import io.usernetes.identity.mount.options.MountHelp;
import io.usernetes.identity.mount.options.MountInvocation;
import io.usernetes.identity.mount.options.MountUsageException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/**
 * Entry point of {@code usernetes-identity}, the mount program: parse, set up, mount, report
 * readiness, serve until the mount goes away.
 *
 * <p>Run by its launcher, which starts this JVM in the background with a pipe on stdout: one line
 * {@code ready} there means the kernel has the mount, after which this process detaches from
 * every inherited descriptor. Anything else (a reason on stderr and an exit) is a failure.
 */
public final class MountMain {
  private static final String PROGRAM = "usernetes-identity";

  private MountMain() {}

  public static void main(String[] args) {
    System.exit(run(args));
  }

  static int run(String[] args) {
    MountInvocation invocation;
    Configuration config;
    try {
      invocation = MountInvocation.parse(args);
      if (invocation.help()) {
        System.out.print(MountHelp.TEXT);
        return ExitCodes.OK;
      }
      if (invocation.version()) {
        System.out.println(PROGRAM + " " + VersionProvider.version());
        return ExitCodes.OK;
      }
      config = ConfigLoader.forThisProcess()
          .load(invocation.options().identity().settings(), Optional.empty());
    } catch (MountUsageException | ConfigException e) {
      return fail(e.getMessage(), ExitCodes.USAGE);
    }
    if (!Charset.defaultCharset().equals(StandardCharsets.ISO_8859_1)) {
      return fail("the JVM must run with -Dfile.encoding=ISO-8859-1 so file names keep their bytes;"
          + " start it through the usernetes-identity launcher", ExitCodes.USAGE);
    }
    boolean daemon = Boolean.getBoolean("usernetes.identity.daemon") && !invocation.foreground();
    Level level = invocation.debug() ? Level.DEBUG : config.logLevel();
    Optional<Path> logFile = DaemonLog.configure(PROGRAM, daemon ? config.logFile() : Optional.empty(),
        level, daemon ? System.getenv() : java.util.Map.of());
    Logger log = LoggerFactory.getLogger(PROGRAM + "[" + ProcessHandle.current().pid() + "]");
    String mountpoint = invocation.mountpoint().orElseThrow();
    Daemonize.umask(0);

    MountSetup.Mounted mounted;
    try {
      mounted = MountSetup.open(invocation.options(), config, mountpoint);
    } catch (MountSetupException e) {
      log.error("cannot mount {}: {}", mountpoint, e.getMessage());
      return fail(e.getMessage(), 1);
    }
    MountSetup.FuseSettings settings = MountSetup.fuseSettings(invocation.options(), mounted.readOnly());
    OverlayFuse fuse = new OverlayFuse(mounted.overlay(), settings.caching());
    log.info("mounting {} ({}; {} mode, log {}) with {}", mountpoint, invocation.options(),
        mounted.mode().name().toLowerCase(java.util.Locale.ROOT),
        logFile.map(Path::toString).orElse("stderr"), String.join(",", settings.options()));
    FallbackNotice.log(log);
    log.debug("extended attributes of {} through {}", mountpoint, Xattrs.usesXattrAt()
        ? "getxattrat, setxattrat and removexattrat" : "an O_PATH descriptor and /proc/self/fd");
    for (String ignored : invocation.options().ignoredOptions()) {
      log.warn("unknown argument ignored: {}", ignored);
    }
    List<String> noEffect = invocation.options().tuning().acceptedIgnored();
    if (!noEffect.isEmpty()) {
      log.info("accepted, ignored (no effect on this mount): {}", String.join(", ", noEffect));
    }

    FuseSession session;
    try {
      session = FuseSession.mount(mountpoint, settings.options(), invocation.debug(), fuse);
    } catch (FuseMountException e) {
      log.error("cannot mount {}: {}", mountpoint, e.getMessage());
      return fail("cannot mount " + mountpoint + ": " + e.getMessage(), 1);
    }
    // SIGTERM and SIGINT end the JVM, not libfuse: detach the mount on the way out
    Runtime.getRuntime().addShutdownHook(new Thread(session::unmount, "unmount"));
    CompletableFuture<Throwable> served = new CompletableFuture<>();
    Thread loop = new Thread(() -> {
      try {
        int result = session.serve(settings.threaded());
        served.complete(result == 0 ? null : new IllegalStateException("libfuse's session loop failed: " + result));
      } catch (Throwable t) {
        served.complete(t);
      }
    }, "fuse-loop");
    loop.start();

    if (!awaitMounted(fuse, served, mountpoint)) {
      Throwable t = served.getNow(null);
      String reason = t == null ? "the FUSE session ended before the mount was live" : t.getMessage();
      log.error("cannot mount {}: {}", mountpoint, reason);
      return fail("cannot mount " + mountpoint + ": " + reason, 1);
    }
    log.info("mounted {}", mountpoint);
    if (daemon) {
      System.out.println("ready");
      System.out.flush();
      try {
        Daemonize.detachStdio();
      } catch (ErrnoException e) {
        log.warn("cannot detach from the caller's descriptors: {}", e.getMessage());
      }
    }
    Throwable end = served.join();
    if (end != null) {
      log.error("FUSE session for {} ended with an error", mountpoint, end);
      return 1;
    }
    log.info("{} unmounted, exiting", mountpoint);
    return ExitCodes.OK;
  }

  /** Waits for FUSE_INIT and a FUSE file system at the mountpoint, or for the session to end. */
  private static boolean awaitMounted(OverlayFuse fuse, CompletableFuture<Throwable> served,
      String mountpoint) {
    try {
      while (!fuse.initialized().await(5, TimeUnit.MILLISECONDS)) {
        if (served.isDone()) {
          return false;
        }
      }
      byte[] path = mountpoint.getBytes(StandardCharsets.ISO_8859_1);
      for (int i = 0; i < 2000 && !served.isDone(); i++) {
        if (Mounts.fileSystemType(path) == Mounts.FUSE_SUPER_MAGIC) {
          return true;
        }
        Thread.sleep(1);
      }
      return false;
    } catch (InterruptedException | ErrnoException e) {
      return false;
    }
  }

  private static int fail(String message, int status) {
    DaemonLog.callerStderr().println(PROGRAM + ": " + message);
    DaemonLog.callerStderr().flush();
    return status;
  }
}
