package io.usernetes.identity.mount;

import io.usernetes.identity.config.Configuration;
import io.usernetes.identity.fuse.FuseMountException;
import io.usernetes.identity.fuse.FuseSession;
import io.usernetes.identity.fuse.OverlayFuse;
import io.usernetes.identity.kernel.ErrnoException;
import io.usernetes.identity.kernel.Mounts;
import io.usernetes.identity.kernel.Xattrs;
import io.usernetes.identity.mount.options.MountInvocation;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;

/**
 * One mount being served: its overlay set up, the kernel's mount made, its session loop on a
 * thread of its own ({@code fuse-loop}). The mount program has one per JVM; the mount service one
 * per container, each with its own loop, so a request that hangs in one mount delays no other.
 * A JVM shutdown detaches every live mount.
 */
public final class LiveMount {
  private final String mountpoint;
  private final FuseSession session;
  private final CompletableFuture<Throwable> ended;

  private LiveMount(String mountpoint, FuseSession session, CompletableFuture<Throwable> ended) {
    this.mountpoint = mountpoint;
    this.session = session;
    this.ended = ended;
  }

  /** Why a mount could not be made: the one line its caller prints. */
  public static final class Failure extends Exception {
    private static final long serialVersionUID = 1L;

    Failure(String message) {
      super(message);
    }
  }

  /**
   * Sets up the overlay the invocation describes and mounts it; returns once the kernel serves it.
   *
   * @param environment the caller's environment (FUSE_OVERLAYFS_DISABLE_OVL_WHITEOUT)
   * @param libfuseSays where libfuse's own messages go, for the failure's line
   */
  public static LiveMount open(MountInvocation invocation, Configuration config, Map<String, String> environment,
      String logDescription, String libfuseSays, Logger log) throws Failure {
    String mountpoint = invocation.mountpoint().orElseThrow();
    MountSetup.Mounted mounted;
    try {
      mounted = MountSetup.open(invocation.options(), config, mountpoint, environment);
    } catch (MountSetupException e) {
      log.error("cannot mount {}: {}", mountpoint, e.getMessage());
      throw new Failure(e.getMessage());
    }
    MountSetup.FuseSettings settings = MountSetup.fuseSettings(invocation.options(), mounted.readOnly());
    OverlayFuse fuse = new OverlayFuse(mounted.overlay(), settings.caching());
    log.info("mounting {} ({}; {} mode, log {}) with {}", mountpoint, invocation.options(),
        mounted.mode().name().toLowerCase(java.util.Locale.ROOT), logDescription, String.join(",", settings.options()));
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
      closeQuietly(mounted, mountpoint, log);
      log.error("cannot mount {}: {}", mountpoint, e.getMessage());
      throw new Failure("cannot mount " + mountpoint + ": " + e.getMessage() + " (" + libfuseSays + ")");
    }
    // SIGTERM and SIGINT end the JVM, not libfuse: detach the mount on the way out
    Thread unmountAtExit = new Thread(session::unmount, "unmount " + mountpoint);
    Runtime.getRuntime().addShutdownHook(unmountAtExit);
    CompletableFuture<Throwable> ended = new CompletableFuture<>();
    Thread loop = new Thread(() -> {
      Throwable end;
      try {
        int result = session.serve(settings.threaded());
        end = result == 0 ? null : new IllegalStateException("libfuse's session loop failed: " + result);
      } catch (Throwable t) {
        end = t;
      }
      closeQuietly(mounted, mountpoint, log);
      ended.complete(end);
      try {
        Runtime.getRuntime().removeShutdownHook(unmountAtExit);
      } catch (IllegalStateException shuttingDown) {
        // the hook runs now and finds the session ended
      }
    }, "fuse-loop");
    loop.start();

    if (!awaitMounted(fuse, ended, mountpoint)) {
      Throwable t = ended.getNow(null);
      String reason = t == null ? "the FUSE session ended before the mount was live" : t.getMessage();
      log.error("cannot mount {}: {}", mountpoint, reason);
      session.unmount();
      throw new Failure("cannot mount " + mountpoint + ": " + reason);
    }
    log.info("mounted {}", mountpoint);
    return new LiveMount(mountpoint, session, ended);
  }

  /**
   * Starts loading what every mount uses (the option parser, libfuse's binding, the callbacks'
   * closures) on a thread of its own, beside the rest of the JVM's start-up on the other CPU: the
   * first mount then finds it done. Call it once logging is configured (SLF4J warns on stderr of
   * loggers made while it initialises). Measured on 2 vCPUs, interleaved: the first mount of the
   * mount service ready in a median 278 ms instead of 290 (12 runs each).
   */
  public static void warmUpInBackground() {
    Thread t = new Thread(() -> {
      try {
        MountInvocation.parse("-o", "lowerdir=/", "/");
        OverlayFuse.warmUp();
      } catch (RuntimeException | LinkageError e) {
        // the mount that needs it reports it
      }
    }, "warm-up");
    t.setDaemon(true);
    t.start();
  }

  public String mountpoint() {
    return mountpoint;
  }

  /** Completes when the mount goes away: with the session's error, or null for a clean end. */
  public CompletableFuture<Throwable> ended() {
    return ended;
  }

  /** Detaches the mount; {@link #ended} completes once its session has seen it go. */
  public void unmount() {
    session.unmount();
  }

  private static void closeQuietly(MountSetup.Mounted mounted, String mountpoint, Logger log) {
    try {
      mounted.overlay().close();
    } catch (ErrnoException | RuntimeException e) {
      log.warn("closing the layers of {}: {}", mountpoint, e.getMessage());
    }
  }

  /** Waits for FUSE_INIT and a FUSE file system at the mountpoint, or for the session to end. */
  private static boolean awaitMounted(OverlayFuse fuse, CompletableFuture<Throwable> ended, String mountpoint) {
    try {
      while (!fuse.initialized().await(5, TimeUnit.MILLISECONDS)) {
        if (ended.isDone()) {
          return false;
        }
      }
      byte[] path = mountpoint.getBytes(StandardCharsets.ISO_8859_1);
      for (int i = 0; i < 2000 && !ended.isDone(); i++) {
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
}
