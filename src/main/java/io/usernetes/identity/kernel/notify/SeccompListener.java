package io.usernetes.identity.kernel.notify;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import io.usernetes.identity.kernel.ErrnoException;
import io.usernetes.identity.kernel.Fd;
import java.util.Optional;

/**
 * A seccomp listener fd ({@code SECCOMP_FILTER_FLAG_NEW_LISTENER}) and its ioctls.
 *
 * <p>One thread uses an instance at a time (it owns three small native buffers). Errors are
 * interpreted as the kernel means them (seccomp_unotify(2), kernel/seccomp.c):
 * <ul>
 *   <li>{@code EINTR} on any ioctl: retried.
 *   <li>{@code ENOENT} from RECV: nothing to receive (a notification withdrawn because its
 *       target died or was signalled, or, since 6.11, no task uses the filter any more; {@link
 *       #poll} tells them apart with {@code POLLHUP}): {@link #receive} returns empty.
 *   <li>{@code ENOENT} from SEND or ID_VALID: the target is gone or gave up the call: {@code
 *       false}, never retried.
 * </ul>
 * Before 6.11 RECV blocks forever on a filter without users: call {@link #receive} only after
 * {@link #poll} said {@link Readiness#READY}.
 */
public final class SeccompListener implements AutoCloseable {
  static final long IOCTL_RECV = 0xC0502100L;
  static final long IOCTL_SEND = 0xC0182101L;
  static final long IOCTL_ID_VALID = 0x40082102L;
  /** The ID_VALID number before 5.9 (wrong direction bits); still accepted by newer kernels. */
  static final long IOCTL_ID_VALID_OLD = 0x80082102L;
  static final long IOCTL_SET_FLAGS = 0x40082104L;
  static final long SYNC_WAKE_UP = 1;
  static final short POLLIN = 0x1;
  static final short POLLERR = 0x8;
  static final short POLLHUP = 0x10;
  static final short POLLNVAL = 0x20;

  private static volatile NotificationSizes kernelSizes;
  /** Set once the new ID_VALID number answered EINVAL (a kernel before 5.9 without the backport). */
  private static volatile boolean oldIdValid;

  private final Fd fd;
  private final Memory received;
  private final int receivedSize;
  private final Memory response;
  private final Memory idBuffer = new Memory(8);

  private SeccompListener(Fd fd, NotificationSizes sizes) {
    this.fd = fd;
    this.receivedSize = Math.max(sizes.notification(), Notification.SIZE);
    this.received = new Memory(receivedSize);
    this.response = new Memory(Math.max(sizes.response(), Response.SIZE));
  }

  /** Takes ownership of a listener fd. */
  public static SeccompListener adopt(Fd fd) throws ErrnoException {
    NotificationSizes sizes = kernelSizes;
    if (sizes == null) {
      sizes = NotificationSizes.ofKernel();
      kernelSizes = sizes;
    }
    return new SeccompListener(fd, sizes);
  }

  /** What {@link #poll} saw. */
  public enum Readiness {
    /** A notification may be waiting. */
    READY,
    /** No task uses the filter any more (5.9+), or the fd is bad: the listener is finished. */
    HUNG_UP,
    /** Nothing happened within the timeout. */
    TIMEOUT
  }

  /**
   * Waits for a notification or the end of the filter. {@code POLLHUP} wins over {@code POLLIN}
   * only when nothing is readable: pending notifications of dying tasks are withdrawn anyway.
   *
   * @param timeoutMillis -1 waits forever
   */
  public Readiness poll(int timeoutMillis) throws ErrnoException {
    byte[] pollfd = new byte[8];
    int n = fd.number();
    pollfd[0] = (byte) n;
    pollfd[1] = (byte) (n >>> 8);
    pollfd[2] = (byte) (n >>> 16);
    pollfd[3] = (byte) (n >>> 24);
    pollfd[4] = POLLIN;
    int r;
    do {
      r = NotifyLib.poll(pollfd, 1, timeoutMillis);
    } while (Errors.interrupted(r));
    if (r == -1) {
      throw Errors.failure("poll(seccomp fd " + n + ")");
    }
    if (r == 0) {
      return Readiness.TIMEOUT;
    }
    int revents = (pollfd[6] & 0xff) | (pollfd[7] & 0xff) << 8;
    if ((revents & POLLIN) != 0) {
      return Readiness.READY;
    }
    if ((revents & (POLLHUP | POLLERR | POLLNVAL)) != 0) {
      return Readiness.HUNG_UP;
    }
    return Readiness.TIMEOUT;
  }

  /** {@code SECCOMP_IOCTL_NOTIF_RECV} into a zeroed buffer; empty on {@code ENOENT}. */
  public Optional<Notification> receive() throws ErrnoException {
    int n = fd.number();
    int r;
    do {
      received.clear();
      r = NotifyLib.ioctl(n, IOCTL_RECV, received);
    } while (Errors.interrupted(r));
    if (r == -1) {
      if (Native.getLastError() == ErrnoException.ENOENT) {
        return Optional.empty();
      }
      throw Errors.failure("ioctl(SECCOMP_IOCTL_NOTIF_RECV)");
    }
    return Optional.of(Notification.decode(received.getByteArray(0, Notification.SIZE)));
  }

  /** {@code SECCOMP_IOCTL_NOTIF_SEND}; {@code false} when the target is gone or gave up the call. */
  public boolean send(Response answer) throws ErrnoException {
    int n = fd.number();
    byte[] raw = answer.encode();
    int r;
    do {
      response.clear();
      response.write(0, raw, 0, raw.length);
      r = NotifyLib.ioctl(n, IOCTL_SEND, response);
    } while (Errors.interrupted(r));
    if (r == -1) {
      int errno = Native.getLastError();
      if (errno == ErrnoException.ENOENT) {
        return false;
      }
      throw new ErrnoException(errno, "ioctl(SECCOMP_IOCTL_NOTIF_SEND)");
    }
    return true;
  }

  /**
   * {@code SECCOMP_IOCTL_NOTIF_ID_VALID}: whether the notification still exists and waits for our
   * answer. When it does, {@code /proc/TID} handles opened before this call belong to the blocked
   * thread (they are tied to its {@code struct pid}, which is never reused).
   */
  public boolean isValid(long id) throws ErrnoException {
    int n = fd.number();
    idBuffer.setLong(0, id);
    int r;
    int errno;
    while (true) {
      r = NotifyLib.ioctl(n, oldIdValid ? IOCTL_ID_VALID_OLD : IOCTL_ID_VALID, idBuffer);
      if (r == 0) {
        return true;
      }
      errno = Native.getLastError();
      if (errno == ErrnoException.EINTR) {
        continue;
      }
      if (errno == ErrnoException.EINVAL && !oldIdValid) {
        oldIdValid = true; // the kernel knows only the pre-5.9 number (libseccomp does the same)
        continue;
      }
      break;
    }
    if (errno == ErrnoException.ENOENT) {
      return false;
    }
    throw new ErrnoException(errno, "ioctl(SECCOMP_IOCTL_NOTIF_ID_VALID)");
  }

  /**
   * {@code SECCOMP_IOCTL_NOTIF_SET_FLAGS(SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP)} (6.6+): the kernel
   * wakes the supervisor on the target's CPU, which cuts a round trip from tens of µs to about 6 µs
   * on a small VM. Returns {@code false} where the kernel does not have it (EINVAL or ENOTTY).
   */
  public boolean setSyncWakeUp() throws ErrnoException {
    int n = fd.number();
    int r;
    do {
      r = NotifyLib.ioctl(n, IOCTL_SET_FLAGS, SYNC_WAKE_UP);
    } while (Errors.interrupted(r));
    if (r == -1) {
      int errno = Native.getLastError();
      if (errno == ErrnoException.EINVAL || errno == 25 /* ENOTTY */) {
        return false;
      }
      throw new ErrnoException(errno, "ioctl(SECCOMP_IOCTL_NOTIF_SET_FLAGS)");
    }
    return true;
  }

  /** The descriptor, for logs. */
  public Fd fd() {
    return fd;
  }

  /** Closes the fd: once the last copy is closed, the kernel answers pending and later calls ENOSYS. */
  @Override
  public void close() throws ErrnoException {
    fd.close();
  }
}
