package io.usernetes.identity.runtime;

import io.usernetes.identity.kernel.ErrnoException;
import io.usernetes.identity.kernel.Mounts;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * In a node namespace of few ids, a container whose root is a kernel overlay of its image's layers
 * (containerd's overlayfs snapshotter) gets the usernetes-identity mount of the same layers in its
 * place: only that mount shows a moved colliding id's files on its pool id in the container's
 * sparse namespace, and records the true owner of what the container chowns. The kernel overlay
 * is unmounted first (nothing has used it yet), so the two never share an upper directory.
 */
public final class RootfsRemount {
  /** Where the launcher says the mount program is; unset outside an installation. */
  public static final String MOUNT_PROGRAM_PROPERTY = "usernetes.identity.mount-program";
  /** The mount program waits 60 s for its mount; a little more for its JVM. */
  private static final long MOUNT_TIMEOUT_SECONDS = 75;
  private static final int MAX_MESSAGE = 4096;

  private RootfsRemount() {}

  /**
   * Remounts {@code rootfs} if it is such an overlay. Returns a warning for the person when it is
   * one but the mount program is not known, else empty.
   *
   * @throws IOException with the mount program's own reason when the new mount cannot be made
   */
  public static Optional<String> apply(Path rootfs, Optional<Path> mountProgram) throws IOException {
    Path real = rootfs.toRealPath();
    Optional<KernelOverlayRoot> overlay = KernelOverlayRoot.find(
        Files.readString(Path.of("/proc/self/mountinfo")), real.toString());
    if (overlay.isEmpty()) {
      return Optional.empty();
    }
    if (mountProgram.isEmpty()) {
      return Optional.of("the root file system is a kernel overlay and the mount program is not known:"
          + " the owners of what the container creates are kept as pool ids only");
    }
    try {
      Mounts.unmount(real.toString().getBytes(StandardCharsets.UTF_8));
    } catch (ErrnoException e) {
      throw new IOException("cannot unmount the kernel overlay on " + real + ": " + e.getMessage());
    }
    mount(mountProgram.get(), overlay.get().mountOptions(), real);
    return Optional.empty();
  }

  /**
   * Runs the mount program and waits for it, at most {@value #MOUNT_TIMEOUT_SECONDS} s. Its stderr
   * goes to a file, not a pipe: a launcher that hangs must not hang the create with it.
   */
  private static void mount(Path program, String options, Path target) throws IOException {
    Path stderr = Files.createTempFile("identity-runtime-mount.", ".err");
    try {
      Process mount = new ProcessBuilder(List.of(program.toString(), "-o", options, target.toString()))
          .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
          .redirectOutput(ProcessBuilder.Redirect.DISCARD)
          .redirectError(stderr.toFile())
          .start();
      try {
        if (!mount.waitFor(MOUNT_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
          mount.destroyForcibly();
          throw new IOException(program + " did not mount " + target + " within " + MOUNT_TIMEOUT_SECONDS + " s");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        mount.destroyForcibly();
        throw new IOException("interrupted while mounting " + target);
      }
      if (mount.exitValue() != 0) {
        String reason;
        try (InputStream err = Files.newInputStream(stderr)) {
          reason = new String(err.readNBytes(MAX_MESSAGE), StandardCharsets.UTF_8).strip();
        }
        throw new IOException("cannot mount " + target + " with " + program + " (exit " + mount.exitValue() + "): "
            + (reason.isEmpty() ? "no reason given" : reason.lines().findFirst().get()));
      }
    } finally {
      Files.deleteIfExists(stderr);
    }
  }
}
