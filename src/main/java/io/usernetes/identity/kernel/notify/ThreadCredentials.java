package io.usernetes.identity.kernel.notify;

import com.sun.jna.Native;
import io.usernetes.identity.kernel.ErrnoException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A thread's credentials without {@code /proc/TID/status}: a pidfd of the thread ({@code
 * pidfd_open(tid, PIDFD_THREAD)}, 6.9+) and {@code ioctl(PIDFD_GET_INFO)} with {@code
 * PIDFD_INFO_CREDS} (6.13+), which fills real, effective and saved uid and gid translated into the
 * <em>caller's</em> user namespace, exactly as the status file shows them to us; and the thread's
 * user namespace from {@code readlink("/proc/TID/ns/user")}. Two system calls instead of the four
 * (and the kernel formatting of the whole status file) that {@code /proc} takes.
 *
 * <p>Safety is the caller's: a pidfd pins its thread's {@code struct pid}; a read through it
 * fails with {@code ESRCH} once that thread is gone. A read that succeeds <em>between</em> RECV and
 * a successful ID_VALID of a notification from the same TID reads the notifying thread (it held the
 * TID number all along, and a live pidfd with that number is the same {@code struct pid}).
 *
 * <p>Allocation-free: all buffers are direct and made once; one instance per listener thread.
 * Errors come back as negative errno values: {@code -ESRCH} (the thread is gone), {@code -ENOSYS},
 * {@code -EINVAL} or {@code -ENOTTY} (a kernel without these calls: use {@code /proc}).
 */
public final class ThreadCredentials {
  public static final int ESRCH = 3;
  static final long SYS_PIDFD_OPEN = 434; // x86_64 and aarch64 alike
  /** {@code PIDFD_THREAD} (= {@code O_EXCL}): a pidfd for a thread that is not a group leader. */
  static final long PIDFD_THREAD = 0x80;
  /** {@code _IOWR(0xFF, 11, struct pidfd_info)} at the first published size, 64 bytes. */
  static final long PIDFD_GET_INFO = 0xC040FF0BL;
  static final long PIDFD_INFO_CREDS = 1L << 1;
  static final int INFO_SIZE = 72;
  static final int MAX_LINK = 64;

  private final ByteBuffer info = SeccompListener.direct(INFO_SIZE);
  private final long infoAddress = SeccompListener.address(info);
  private final ByteBuffer path = SeccompListener.direct(48);
  private final long pathAddress = SeccompListener.address(path);
  private final ByteBuffer link = SeccompListener.direct(MAX_LINK);
  private final long linkAddress = SeccompListener.address(link);
  private int linkLength;

  /** {@code pidfd_open(tid, PIDFD_THREAD)}: the fd, or a negative errno. */
  public static int openThread(long tid) {
    long r;
    do {
      r = NotifyLib.syscall(SYS_PIDFD_OPEN, tid, PIDFD_THREAD);
    } while (Errors.interrupted(r));
    return r < 0 ? -Native.getLastError() : (int) r;
  }

  /** Closes a pidfd from {@link #openThread}. */
  public static void close(int pidfd) {
    NotifyLib.close(pidfd);
  }

  /** {@code PIDFD_GET_INFO} with {@code PIDFD_INFO_CREDS}: 0, or a negative errno. */
  public int read(int pidfd) {
    int r;
    do {
      for (int i = 0; i < INFO_SIZE; i += 8) {
        info.putLong(i, 0);
      }
      info.putLong(0, PIDFD_INFO_CREDS);
      r = NotifyLib.ioctl(pidfd, PIDFD_GET_INFO, infoAddress);
    } while (Errors.interrupted(r));
    if (r != 0) {
      return -Native.getLastError();
    }
    return (info.getLong(0) & PIDFD_INFO_CREDS) != 0 ? 0 : -ErrnoException.EINVAL;
  }

  public long ruid() {
    return Integer.toUnsignedLong(info.getInt(28));
  }

  public long rgid() {
    return Integer.toUnsignedLong(info.getInt(32));
  }

  public long euid() {
    return Integer.toUnsignedLong(info.getInt(36));
  }

  public long egid() {
    return Integer.toUnsignedLong(info.getInt(40));
  }

  public long suid() {
    return Integer.toUnsignedLong(info.getInt(44));
  }

  public long sgid() {
    return Integer.toUnsignedLong(info.getInt(48));
  }

  /**
   * {@code readlink("/proc/TID/ns/user")} into this object's buffer, e.g. {@code
   * user:[4026531837]}: 0, or a negative errno.
   */
  public int readUserNamespace(long tid) {
    int at = 0;
    at = put(at, "/proc/");
    // decimal digits of tid, written backwards without a String
    long t = tid;
    int len = 1;
    for (long x = t; x >= 10; x /= 10) {
      len++;
    }
    for (int i = len - 1; i >= 0; i--) {
      path.put(at + i, (byte) ('0' + t % 10));
      t /= 10;
    }
    at += len;
    at = put(at, "/ns/user");
    path.put(at, (byte) 0);
    long r;
    do {
      r = NotifyLib.readlink(pathAddress, linkAddress, MAX_LINK);
    } while (Errors.interrupted(r));
    if (r < 0) {
      return -Native.getLastError();
    }
    if (r >= MAX_LINK) {
      return -ErrnoException.ERANGE;
    }
    linkLength = (int) r;
    return 0;
  }

  private int put(int at, String ascii) {
    for (int i = 0; i < ascii.length(); i++) {
      path.put(at + i, (byte) ascii.charAt(i));
    }
    return at + ascii.length();
  }

  /** Whether the last {@link #readUserNamespace} read exactly {@code cached}. */
  public boolean userNamespaceIs(byte[] cached) {
    if (cached == null || cached.length != linkLength) {
      return false;
    }
    for (int i = 0; i < linkLength; i++) {
      if (link.get(i) != cached[i]) {
        return false;
      }
    }
    return true;
  }

  /** A copy of the last {@link #readUserNamespace} result. */
  public byte[] userNamespace() {
    byte[] out = new byte[linkLength];
    link.get(0, out);
    return out;
  }

  /** The link text, e.g. {@code user:[4026531837]}. */
  public static String text(byte[] namespace) {
    return new String(namespace, StandardCharsets.US_ASCII);
  }

  @Override
  public String toString() {
    return "ThreadCredentials" + Arrays.toString(new long[] {ruid(), euid(), suid(), rgid(), egid(), sgid()});
  }
}
