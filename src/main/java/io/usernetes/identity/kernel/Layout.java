package io.usernetes.identity.kernel;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Reads the fields of a C struct that the kernel filled into a {@code byte[]}, in the machine's
 * byte order, without wrapping the array in a buffer object per call.
 */
final class Layout {
  private static final VarHandle U16 = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.nativeOrder());
  private static final VarHandle U32 = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.nativeOrder());
  private static final VarHandle U64 = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.nativeOrder());

  private Layout() {}

  static int u16(byte[] struct, int offset) {
    return Short.toUnsignedInt((short) U16.get(struct, offset));
  }

  static int s32(byte[] struct, int offset) {
    return (int) U32.get(struct, offset);
  }

  static long u32(byte[] struct, int offset) {
    return Integer.toUnsignedLong(s32(struct, offset));
  }

  /** A 64-bit field; unsigned ones above {@code Long.MAX_VALUE} come out negative, as in C. */
  static long s64(byte[] struct, int offset) {
    return (long) U64.get(struct, offset);
  }
}
