package io.usernetes.identity.kernel.notify;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * {@code struct seccomp_notif} as {@code SECCOMP_IOCTL_NOTIF_RECV} fills it (80 bytes): a thread
 * blocked in a system call our filter sent to user space.
 *
 * <p>Offsets: {@code id} u64 @0, {@code pid} u32 @8 (a <em>thread</em> id in the supervisor's
 * PID namespace, 0 when that thread is not visible there), {@code flags} u32 @12, then
 * {@code struct seccomp_data}: {@code nr} s32 @16, {@code arch} u32 @20,
 * {@code instruction_pointer} u64 @24, {@code args[6]} u64 @32 + 8·i. Everything in it was written
 * by the kernel, not by the target, but {@code nr} and {@code args} are the target's choice.
 *
 * @param tid the thread id, unsigned (0: not visible from here)
 * @param arch an {@code AUDIT_ARCH_*} value, unsigned
 */
public record Notification(long id, long tid, int flags, int nr, long arch, long instructionPointer,
    long[] args) {
  /** {@code sizeof(struct seccomp_notif)} of the ABI this decoder knows. */
  public static final int SIZE = 80;

  public Notification {
    args = args.clone();
    if (args.length != 6) {
      throw new IllegalArgumentException("seccomp_data has 6 arguments, not " + args.length);
    }
  }

  /** Decodes the first {@value #SIZE} bytes of a notification. */
  public static Notification decode(byte[] raw) {
    if (raw.length < SIZE) {
      throw new IllegalArgumentException("struct seccomp_notif is " + SIZE + " bytes, got " + raw.length);
    }
    ByteBuffer b = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
    long[] args = new long[6];
    for (int i = 0; i < 6; i++) {
      args[i] = b.getLong(32 + 8 * i);
    }
    return new Notification(b.getLong(0), Integer.toUnsignedLong(b.getInt(8)), b.getInt(12),
        b.getInt(16), Integer.toUnsignedLong(b.getInt(20)), b.getLong(24), args);
  }

  /** Argument {@code i} as the target passed it ({@code args} of the caller's ABI). */
  public long arg(int i) {
    return args[i];
  }

  @Override
  public long[] args() {
    return args.clone();
  }

  @Override
  public String toString() {
    return String.format("notification %016x tid %d arch %08x nr %d", id, tid, arch, nr);
  }
}
