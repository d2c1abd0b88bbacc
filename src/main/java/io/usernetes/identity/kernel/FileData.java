package io.usernetes.identity.kernel;

import static io.usernetes.identity.kernel.Syscall.interrupted;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * The data of open files: positional reads and writes, size, allocation, durability and
 * copying. Every call names its file position explicitly and none moves the descriptor's own
 * offset, so FUSE threads can share a descriptor.
 *
 * <p>Reads and writes come in two forms: into native memory given as an address and a length
 * (buffers in native memory, with no copy through the Java heap), and into a {@code byte[]}. Both return what the kernel returned:
 * a short count is possible and {@code 0} from a read means end of file.
 */
public final class FileData {
  /** The chunk size of {@link #copy}'s read/write fallback, as fuse-overlayfs uses. */
  private static final long COPY_CHUNK = 1 << 20;

  /** Set once {@code copy_file_range} answered {@code ENOSYS}. */
  private static volatile boolean noCopyFileRange;

  private FileData() {}

  /** {@code pread(2)} of up to {@code length} bytes at {@code position} into native memory at {@code address}. */
  public static long pread(Fd fd, long address, long length, long position) throws ErrnoException {
    int n = fd.number();
    long r;
    do {
      r = LibC.pread(n, address, length, position);
    } while (interrupted(r));
    if (r == -1) {
      throw Syscall.failure("pread(fd " + n + ")");
    }
    return r;
  }

  /** {@code pwrite(2)} of up to {@code length} bytes from native memory at {@code address} to {@code position}. */
  public static long pwrite(Fd fd, long address, long length, long position) throws ErrnoException {
    int n = fd.number();
    long r;
    do {
      r = LibC.pwrite(n, address, length, position);
    } while (interrupted(r));
    if (r == -1) {
      throw Syscall.failure("pwrite(fd " + n + ")");
    }
    return r;
  }

  /** {@code pread(2)} into {@code buffer[offset, offset + length)}. */
  public static int pread(Fd fd, byte[] buffer, int offset, int length, long position) throws ErrnoException {
    Objects.checkFromIndexSize(offset, length, buffer.length);
    int n = fd.number();
    ByteBuffer slice = ByteBuffer.wrap(buffer, offset, length);
    long r;
    do {
      r = LibC.pread(n, slice, length, position);
    } while (interrupted(r));
    if (r == -1) {
      throw Syscall.failure("pread(fd " + n + ")");
    }
    return (int) r;
  }

  /** {@code pwrite(2)} from {@code buffer[offset, offset + length)}. */
  public static int pwrite(Fd fd, byte[] buffer, int offset, int length, long position) throws ErrnoException {
    Objects.checkFromIndexSize(offset, length, buffer.length);
    int n = fd.number();
    ByteBuffer slice = ByteBuffer.wrap(buffer, offset, length);
    long r;
    do {
      r = LibC.pwrite(n, slice, length, position);
    } while (interrupted(r));
    if (r == -1) {
      throw Syscall.failure("pwrite(fd " + n + ")");
    }
    return (int) r;
  }

  /** {@code ftruncate(2)}: cuts or extends (with a hole) the file to {@code length} bytes. */
  public static void ftruncate(Fd fd, long length) throws ErrnoException {
    int n = fd.number();
    int r;
    do {
      r = LibC.ftruncate(n, length);
    } while (interrupted(r));
    if (r == -1) {
      throw Syscall.failure("ftruncate(fd " + n + ")");
    }
  }

  /** {@code fsync(2)}: data and metadata reach the disk. */
  public static void fsync(Fd fd) throws ErrnoException {
    int n = fd.number();
    int r;
    do {
      r = LibC.fsync(n);
    } while (interrupted(r));
    if (r == -1) {
      throw Syscall.failure("fsync(fd " + n + ")");
    }
  }

  /** {@code fdatasync(2)}: data, and the metadata needed to read it back, reach the disk. */
  public static void fdatasync(Fd fd) throws ErrnoException {
    int n = fd.number();
    int r;
    do {
      r = LibC.fdatasync(n);
    } while (interrupted(r));
    if (r == -1) {
      throw Syscall.failure("fdatasync(fd " + n + ")");
    }
  }

  /** {@code fallocate(2)}; {@code mode} is passed through as FUSE received it. */
  public static void fallocate(Fd fd, int mode, long offset, long length) throws ErrnoException {
    int n = fd.number();
    int r;
    do {
      r = LibC.fallocate(n, mode, offset, length);
    } while (interrupted(r));
    if (r == -1) {
      throw Syscall.failure("fallocate(fd " + n + ")");
    }
  }

  /**
   * Copies up to {@code length} bytes from {@code from} at {@code fromPosition} to {@code to}
   * at {@code toPosition}; returns the count copied, less than {@code length} only when
   * {@code from} ends first.
   *
   * <p>Uses {@code copy_file_range(2)} with explicit offsets, which lets the file system
   * reflink or copy in the kernel. Where it cannot ({@code EXDEV} between file systems of
   * different types, {@code EINVAL}, {@code EOPNOTSUPP}, {@code ENOSYS}) the rest is copied with
   * {@code pread}/{@code pwrite} through a native buffer of at most 1 MiB. {@code sendfile} is
   * not used: it writes at the output descriptor's offset, shared state this class avoids.
   */
  public static long copy(Fd from, long fromPosition, Fd to, long toPosition, long length) throws ErrnoException {
    int in = from.number();
    int out = to.number();
    long done = 0;
    if (!noCopyFileRange) {
      long[] inOffset = new long[1];
      long[] outOffset = new long[1];
      while (done < length) {
        inOffset[0] = fromPosition + done;
        outOffset[0] = toPosition + done;
        long r;
        do {
          r = LibC.copy_file_range(in, inOffset, out, outOffset, length - done, 0);
        } while (interrupted(r));
        if (r == 0) {
          return done;
        }
        if (r == -1) {
          int errno = Native.getLastError();
          if (errno != ErrnoException.EXDEV && errno != ErrnoException.EINVAL
              && errno != ErrnoException.EOPNOTSUPP && errno != ErrnoException.ENOSYS) {
            throw Syscall.failure("copy_file_range(fd " + in + ", fd " + out + ")");
          }
          noCopyFileRange |= errno == ErrnoException.ENOSYS;
          break;
        }
        done += r;
      }
    }
    return done + copyByReading(from, fromPosition + done, to, toPosition + done, length - done);
  }

  /** The fallback of {@link #copy}, package-private so tests run it where copy_file_range works. */
  static long copyByReading(Fd from, long fromPosition, Fd to, long toPosition, long length) throws ErrnoException {
    if (length <= 0) {
      return 0;
    }
    long done = 0;
    try (Memory buffer = new Memory(Math.min(length, COPY_CHUNK))) {
      long address = Pointer.nativeValue(buffer);
      while (done < length) {
        long read = pread(from, address, Math.min(buffer.size(), length - done), fromPosition + done);
        if (read == 0) {
          break;
        }
        for (long written = 0; written < read; ) {
          written += pwrite(to, address + written, read - written, toPosition + done + written);
        }
        done += read;
      }
    }
    return done;
  }
}
