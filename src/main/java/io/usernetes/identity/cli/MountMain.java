package io.usernetes.identity.cli;

import io.usernetes.identity.config.ConfigException;
import io.usernetes.identity.config.ConfigLoader;
import io.usernetes.identity.config.Configuration;
import io.usernetes.identity.daemon.DaemonLog;
import io.usernetes.identity.daemon.FallbackNotice;
import io.usernetes.identity.kernel.Daemonize;
import io.usernetes.identity.kernel.ErrnoException;
import io.usernetes.identity.mount.LiveMount;
import io.usernetes.identity.mount.options.MountHelp;
import io.usernetes.identity.mount.options.MountInvocation;
import io.usernetes.identity.mount.options.MountUsageException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;
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
  static final String PROGRAM = "usernetes-identity";

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
    LiveMount.warmUpInBackground(); // after SLF4J's configuration: it warns of loggers made during it
    Logger log = LoggerFactory.getLogger(PROGRAM + "[" + ProcessHandle.current().pid() + "]");
    Daemonize.umask(0);
    FallbackNotice.log(log);
    LiveMount mount;
    try {
      mount = LiveMount.open(invocation, config, System.getenv(), logFile.map(Path::toString).orElse("stderr"),
          "see its message above", log);
    } catch (LiveMount.Failure e) {
      return fail(e.getMessage(), 1);
    }
    if (daemon) {
      System.out.println("ready");
      System.out.flush();
      try {
        Daemonize.detachStdio();
      } catch (ErrnoException e) {
        log.warn("cannot detach from the caller's descriptors: {}", e.getMessage());
      }
    }
    Throwable end = mount.ended().join();
    if (end != null) {
      log.error("FUSE session for {} ended with an error", mount.mountpoint(), end);
      return 1;
    }
    log.info("{} unmounted, exiting", mount.mountpoint());
    return ExitCodes.OK;
  }

  /** Says why on the caller's stderr, one line, and returns {@code status}. */
  static int fail(String message, int status) {
    DaemonLog.callerStderr().println(PROGRAM + ": " + message);
    DaemonLog.callerStderr().flush();
    return status;
  }
}
