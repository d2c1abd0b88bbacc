package io.usernetes.identity.kernel.notify;

import com.sun.jna.Native;
import com.sun.jna.Pointer;
import io.usernetes.identity.kernel.ErrnoException;
import io.usernetes.identity.kernel.Fd;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

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
 * Before 6.11 RECV blocks forever on a filter without users: there, call {@link #receive} only
 * after {@link #poll} said {@link Readiness#READY}.
 *
 * <p>The notify loop allocates nothing: the buffers are direct {@link ByteBuffer}s made once per
 * listener (read and written with intrinsified accesses, no JNI per field), the ioctls get their
 * addresses as {@code long}s through JNA direct mapping, and the received notification is read
 * field by field ({@link #id}, {@link #tid}, {@link #arch}, {@link #nr}); {@link #notification}
 * decodes a record only for the calls that need one.
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
  private final int number;
  private final ByteBuffer received;
  private final long receivedAddress;
  private final int receivedSize;
  private final ByteBuffer response;
  private final long responseAddress;
  private final ByteBuffer idBuffer;
  private final long idAddress;
  private final ByteBuffer pollBuffer;
  private final long pollAddress;

  private SeccompListener(Fd fd, NotificationSizes sizes) throws ErrnoException {
    this.fd = fd;
    this.number = fd.number();
    this.receivedSize = Math.max(sizes.notification(), Notification.SIZE);
    this.received = direct(receivedSize);
    this.receivedAddress = address(received);
    this.response = direct(Math.max(sizes.response(), Response.SIZE));
    this.responseAddress = address(response);
    this.idBuffer = direct(8);
    this.idAddress = address(idBuffer);
    this.pollBuffer = direct(8);
    this.pollAddress = address(pollBuffer);
    pollBuffer.putInt(0, number);
    pollBuffer.putShort(4, POLLIN);
  }

  /** A zeroed native buffer in the machine's byte order (little-endian on x86_64 and aarch64). */
  static ByteBuffer direct(int size) {
    return ByteBuffer.allocateDirect((size + 7) & ~7).order(ByteOrder.nativeOrder());
  }

  /** The native address of a direct buffer; the buffer must stay referenced while it is used. */
  static long address(ByteBuffer direct) {
    return Pointer.nativeValue(Native.getDirectBufferPointer(direct));
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
    int r;
    do {
      pollBuffer.putShort(6, (short) 0);
      r = NotifyLib.poll(pollAddress, 1, timeoutMillis);
    } while (Errors.interrupted(r));
    if (r == -1) {
      throw Errors.failure("poll(seccomp fd " + number + ")");
    }
    if (r == 0) {
      return Readiness.TIMEOUT;
    }
    int revents = pollBuffer.getShort(6) & 0xffff;
    if ((revents & POLLIN) != 0) {
      return Readiness.READY;
    }
    if ((revents & (POLLHUP | POLLERR | POLLNVAL)) != 0) {
      return Readiness.HUNG_UP;
    }
    return Readiness.TIMEOUT;
  }

  /**
   * {@code SECCOMP_IOCTL_NOTIF_RECV} into the zeroed buffer; {@code false} on {@code ENOENT}.
   * The notification's fields are then read with {@link #id} and friends until the next call.
   */
  public boolean receive() throws ErrnoException {
    int r;
    do {
      for (int i = 0; i < receivedSize; i += 8) {
        received.putLong(i, 0);
      }
      r = NotifyLib.ioctl(number, IOCTL_RECV, receivedAddress);
    } while (Errors.interrupted(r));
    if (r == -1) {
      if (Native.getLastError() == ErrnoException.ENOENT) {
        return false;
      }
      throw Errors.failure("ioctl(SECCOMP_IOCTL_NOTIF_RECV)");
    }
    return true;
  }

  /** The received notification's cookie. */
  public long id() {
    return received.getLong(0);
  }

  /** The received caller's thread id in our PID namespace, unsigned; 0 when not visible here. */
  public long tid() {
    return Integer.toUnsignedLong(received.getInt(8));
  }

  /** The received call's number, in its architecture's table. */
  public int nr() {
    return received.getInt(16);
  }

  /** The received call's {@code AUDIT_ARCH_*}, unsigned. */
  public long arch() {
    return Integer.toUnsignedLong(received.getInt(20));
  }

  /** The received notification as a record (allocates; for the calls that need arguments). */
  public Notification notification() {
    byte[] raw = new byte[Notification.SIZE];
    received.get(0, raw);
    return Notification.decode(raw);
  }

  /** {@code SECCOMP_IOCTL_NOTIF_SEND}; {@code false} when the target is gone or gave up the call. */
  public boolean send(Response answer) throws ErrnoException {
    return send(answer.id(), answer.value(), answer.error(), answer.flags());
  }

  /** SEND: the call returns {@code value}; {@code false} when the target is gone. */
  public boolean sendValue(long id, long value) throws ErrnoException {
    return send(id, value, 0, 0);
  }

  private boolean send(long id, long value, int error, int flags) throws ErrnoException {
    int r;
    do {
      response.putLong(0, id).putLong(8, value).putInt(16, error).putInt(20, flags);
      r = NotifyLib.ioctl(number, IOCTL_SEND, responseAddress);
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
    idBuffer.putLong(0, id);
    int r;
    int errno;
    while (true) {
      r = NotifyLib.ioctl(number, oldIdValid ? IOCTL_ID_VALID_OLD : IOCTL_ID_VALID, idAddress);
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
    int r;
    do {
      r = NotifyLib.ioctl(number, IOCTL_SET_FLAGS, SYNC_WAKE_UP);
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
