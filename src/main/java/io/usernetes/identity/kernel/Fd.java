package io.usernetes.identity.kernel;

import com.sun.jna.Native;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * An open file descriptor. Closing is idempotent and safe from several threads: exactly one
 * {@link #close()} reaches the kernel, and every later use fails with {@code EBADF} instead of
 * touching whatever file the number is given to next.
 *
 * <p>Closing an {@code Fd} while another thread is still inside a call on it is a caller bug
 * this class does not guard against (the number could be reused under that call). For FUSE
 * file handles it cannot happen: the kernel sends {@code release} only once every request on
 * the file has been answered.
 *
 * <p>An {@code Fd} opened with {@link OpenFlags#O_PATH} remembers it: such descriptors only
 * name a file, so calls that need real I/O rights (the xattr calls) reach the file through
 * {@code /proc/self/fd/N} instead.
 */
public final class Fd implements AutoCloseable {
  private static final VarHandle CLOSED;

  static {
    try {
      CLOSED = MethodHandles.lookup().findVarHandle(Fd.class, "closed", boolean.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final int number;
  private final boolean pathOnly;
  /** For a {@link #view}: what closing it does instead of closing the number; else null. */
  private final Runnable release;
  private volatile boolean closed;

  Fd(int number, int openFlags) {
    this(number, (openFlags & OpenFlags.O_PATH) != 0, null);
  }

  private Fd(int number, boolean pathOnly, Runnable release) {
    this.number = number;
    this.pathOnly = pathOnly;
    this.release = release;
  }

  /**
   * A second {@code Fd} for this descriptor, for a holder that borrows it from a cache: closing
   * the view runs {@code release} once (the cache's reference count) and never closes the number,
   * which stays the owner's to close once no view is in use.
   */
  public Fd view(Runnable release) {
    return new Fd(number, pathOnly, java.util.Objects.requireNonNull(release));
  }

  /**
   * Takes ownership of a descriptor number another binding package obtained (the seccomp
   * binding in {@code kernel.notify}: listener fds arriving over {@code SCM_RIGHTS}).
   */
  public static Fd adopt(int number) {
    return new Fd(number, 0);
  }

  /**
   * The descriptor number, for calls (public for the binding's sub-packages only; code above
   * the binding passes {@code Fd}s); {@code EBADF} once closed.
   */
  public int number() throws ErrnoException {
    if (closed) {
      throw new ErrnoException(ErrnoException.EBADF, "use of closed fd " + number);
    }
    return number;
  }

  /** Whether this descriptor was opened with {@code O_PATH}. */
  boolean pathOnly() {
    return pathOnly;
  }

  /**
   * Closes the descriptor once. {@code EINTR} is not an error: Linux has released the number
   * before the interruption, and retrying could close someone else's file.
   */
  @Override
  public void close() throws ErrnoException {
    if (CLOSED.compareAndSet(this, false, true)) {
      if (release != null) {
        release.run();
        return;
      }
      if (LibC.close(number) == -1 && Native.getLastError() != ErrnoException.EINTR) {
        throw Syscall.failure("close(fd " + number + ")");
      }
    }
  }

  @Override
  public String toString() {
    return "Fd(" + number + (pathOnly ? ", O_PATH" : "") + (closed ? ", closed" : "") + ")";
  }
}
