package io.usernetes.identity.kernel.notify;

import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;
import java.util.Locale;

/**
 * The C library calls of the seccomp user-notification binding, bound with JNA direct mapping
 * (about 1 µs per call, measured in the reference). Package-private: callers see records and
 * {@code byte[]}.
 *
 * <p>{@code ioctl} is variadic in C; on x86_64 and aarch64 Linux an integer or pointer third
 * argument is passed exactly like a fixed one, so two fixed-signature overloads are safe. The
 * request is a {@code long}: {@code 0xC0502100} does not fit a Java {@code int}.
 */
final class NotifyLib {
  /** {@code __NR_seccomp}: 317 on x86_64, 277 on aarch64 (glibc has no wrapper). */
  static final long SYS_SECCOMP = seccompNumber(System.getProperty("os.arch"));

  static {
    Native.register(NotifyLib.class, NativeLibrary.getInstance(Platform.C_LIBRARY_NAME));
  }

  private NotifyLib() {}

  static long seccompNumber(String osArch) {
    return switch (osArch.toLowerCase(Locale.ROOT)) {
      case "amd64", "x86_64" -> 317;
      case "aarch64" -> 277;
      default -> throw new UnsupportedOperationException(
          "the seccomp binding supports x86_64 and aarch64 only, not " + osArch);
    };
  }

  /** {@code seccomp(op, flags, args)} through {@code syscall(2)}. */
  static native long syscall(long number, long operation, long flags, byte[] args);

  static native int ioctl(int fd, long request, Pointer argument);

  /** {@code ioctl} with a value, or with a native address as a {@code long} (no Pointer objects). */
  static native int ioctl(int fd, long request, long value);

  static native int poll(byte[] fds, long nfds, int timeout);

  /** {@code poll} on a native {@code struct pollfd} array at {@code fds}. */
  static native int poll(long fds, long nfds, int timeout);

  /** A two-argument system call ({@code pidfd_open}). */
  static native long syscall(long number, long first, long second);

  static native long readlink(long path, long buffer, long size);

  static native int socket(int domain, int type, int protocol);

  static native int bind(int fd, byte[] address, int length);

  static native int listen(int fd, int backlog);

  static native int accept4(int fd, Pointer address, Pointer length, int flags);

  static native long recvmsg(int fd, Pointer message, int flags);

  static native long send(int fd, byte[] buffer, long length, int flags);

  static native int getsockopt(int fd, int level, int name, byte[] value, int[] length);

  static native int setsockopt(int fd, int level, int name, byte[] value, int length);

  static native int connect(int fd, byte[] address, int length);

  static native int umask(int mask);

  static native int unlink(byte[] path);

  static native int close(int fd);

  static native int shutdown(int fd, int how);

  static native int kill(int pid, int signal);
}
