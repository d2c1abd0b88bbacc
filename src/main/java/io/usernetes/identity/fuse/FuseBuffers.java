package io.usernetes.identity.fuse;

import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;

/**
 * libfuse 2's data buffers, {@code struct fuse_bufvec}, and its {@code fuse_buf_copy}, which
 * moves data between them with splice(2) when both ends are descriptors. Reads hand libfuse a
 * vector that names the backing file ({@link #putFileVector}); writes arrive as a vector over
 * the pipe libfuse spliced the request into, and are copied to the backing file without passing
 * through user space.
 *
 * <p>Layout (libfuse 2, LP64): {@code size_t count, idx, off}, then one {@code struct fuse_buf}:
 * {@code size_t size; int flags; void *mem; int fd; off_t pos}. Bound with JNA direct mapping
 * against the same libfuse 2 that {@link LibFuse} calls.
 */
final class FuseBuffers {
  /** Bytes of a vector with one buffer. */
  static final long VECTOR_SIZE = 64;
  private static final long FUSE_BUF_IS_FD = 1 << 1;
  private static final long FUSE_BUF_FD_SEEK = 1 << 2;

  static {
    NativeLibrary fuse;
    try {
      fuse = NativeLibrary.getInstance("fuse");
    } catch (UnsatisfiedLinkError e) {
      fuse = NativeLibrary.getInstance("libfuse.so.2"); // without the -dev symlink, as LibFuse loads it
    }
    Native.register(FuseBuffers.class, fuse);
  }

  private FuseBuffers() {}

  /** {@code fuse_buf_size}: the bytes a vector holds from its current position. */
  private static native long fuse_buf_size(long vector);

  /** {@code fuse_buf_copy(dst, src, flags)}: bytes copied, or a negative errno. */
  private static native long fuse_buf_copy(long destination, long source, int flags);

  static long size(long vector) {
    return fuse_buf_size(vector);
  }

  static long copy(long destination, long source) {
    return fuse_buf_copy(destination, source, 0);
  }

  /**
   * Writes at {@code v} a one-buffer vector of {@code size} bytes of {@code fd} at {@code
   * position}: plain stores into the adapter's scratch memory, no native call per field (this
   * runs for every read and write request).
   */
  static void putFileVector(jnr.ffi.Pointer v, int fd, long size, long position) {
    v.putLong(0, 1); // count
    v.putLong(8, 0); // idx
    v.putLong(16, 0); // off
    v.putLong(24, size); // buf[0].size
    v.putLong(32, FUSE_BUF_IS_FD | FUSE_BUF_FD_SEEK); // flags (int) and padding
    v.putLong(40, 0); // mem
    v.putLong(48, fd); // fd (int) and padding
    v.putLong(56, position); // pos
  }
}
