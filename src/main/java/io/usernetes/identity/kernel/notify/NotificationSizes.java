package io.usernetes.identity.kernel.notify;

import io.usernetes.identity.kernel.ErrnoException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * {@code struct seccomp_notif_sizes} (6 bytes: three {@code __u16}): the sizes the running kernel
 * uses for the notification, the response and {@code seccomp_data}. Buffers are allocated at
 * {@code max(kernel size, compiled size)} so a kernel with grown structs never writes past them.
 */
public record NotificationSizes(int notification, int response, int data) {
  /** {@code SECCOMP_GET_NOTIF_SIZES}. */
  static final int SECCOMP_GET_NOTIF_SIZES = 3;

  /** Decodes the kernel's 6 bytes (little-endian, as on x86_64 and aarch64). */
  public static NotificationSizes decode(byte[] raw) {
    ByteBuffer b = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
    return new NotificationSizes(Short.toUnsignedInt(b.getShort(0)), Short.toUnsignedInt(b.getShort(2)),
        Short.toUnsignedInt(b.getShort(4)));
  }

  /** Asks the kernel: {@code seccomp(SECCOMP_GET_NOTIF_SIZES, 0, &sizes)}. */
  public static NotificationSizes ofKernel() throws ErrnoException {
    byte[] raw = new byte[6];
    long r;
    do {
      r = NotifyLib.syscall(NotifyLib.SYS_SECCOMP, SECCOMP_GET_NOTIF_SIZES, 0, raw);
    } while (Errors.interrupted(r));
    if (r == -1) {
      throw Errors.failure("seccomp(SECCOMP_GET_NOTIF_SIZES)");
    }
    return decode(raw);
  }
}
