package io.usernetes.identity.kernel.notify;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * {@code struct seccomp_notif_resp} (24 bytes): {@code id} u64 @0, {@code val} s64 @8,
 * {@code error} s32 @16, {@code flags} u32 @20.
 *
 * <p>{@code error} is <em>zero or a negative errno</em>: a positive number would reach the target
 * as a successful return value. With {@link #FLAG_CONTINUE} both {@code val} and {@code error}
 * must be zero (the kernel says EINVAL otherwise). The factories keep both rules, so no caller
 * can get them wrong.
 */
public record Response(long id, long value, int error, int flags) {
  public static final int SIZE = 24;
  /** {@code SECCOMP_USER_NOTIF_FLAG_CONTINUE}: run the system call as if nothing had intercepted it. */
  public static final int FLAG_CONTINUE = 1;

  public Response {
    if (error > 0) {
      throw new IllegalArgumentException("error must be 0 or a negative errno, not " + error);
    }
    if ((flags & FLAG_CONTINUE) != 0 && (value != 0 || error != 0)) {
      throw new IllegalArgumentException("CONTINUE takes neither a value nor an error");
    }
  }

  /** The system call returns {@code value}. */
  public static Response success(long id, long value) {
    return new Response(id, value, 0, 0);
  }

  /** The system call fails with {@code errno} (a positive number, negated here). */
  public static Response failure(long id, int errno) {
    if (errno <= 0) {
      throw new IllegalArgumentException("errno must be positive, not " + errno);
    }
    return new Response(id, 0, -errno, 0);
  }

  /** The kernel runs the system call itself. */
  public static Response continueCall(long id) {
    return new Response(id, 0, 0, FLAG_CONTINUE);
  }

  public boolean isContinue() {
    return (flags & FLAG_CONTINUE) != 0;
  }

  public byte[] encode() {
    ByteBuffer b = ByteBuffer.allocate(SIZE).order(ByteOrder.LITTLE_ENDIAN);
    b.putLong(0, id).putLong(8, value).putInt(16, error).putInt(20, flags);
    return b.array();
  }
}
