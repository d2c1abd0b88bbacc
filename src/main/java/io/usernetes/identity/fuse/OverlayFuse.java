package io.usernetes.identity.fuse;

import io.usernetes.identity.kernel.ErrnoException;
import io.usernetes.identity.kernel.StatVfs;
import io.usernetes.identity.kernel.Timespec;
import io.usernetes.identity.layers.LayerStack;
import io.usernetes.identity.layers.MergedPath;
import io.usernetes.identity.ownership.IdNotMappableException;
import io.usernetes.identity.overlay.Caller;
import io.usernetes.identity.overlay.OpenFile;
import io.usernetes.identity.overlay.Overlay;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import jnr.ffi.Pointer;
import jnr.ffi.Struct;
import jnr.ffi.types.dev_t;
import jnr.ffi.types.gid_t;
import jnr.ffi.types.mode_t;
import jnr.ffi.types.off_t;
import jnr.ffi.types.size_t;
import jnr.ffi.types.uid_t;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import ru.serce.jnrfuse.FuseFillDir;
import ru.serce.jnrfuse.FuseStubFS;
import ru.serce.jnrfuse.struct.FuseFileInfo;
import ru.serce.jnrfuse.struct.Statvfs;

/**
 * The jnr-fuse adapter: turns each libfuse callback into one {@link Overlay} call and its result
 * or {@link ErrnoException} into what libfuse expects. Nothing else happens here.
 *
 * <p>Paths arrive as Strings that jnr-fuse decoded with the default charset; the launcher sets
 * ISO-8859-1, which maps every byte to one char, so {@link MergedPath#of} recovers the bytes.
 */
public final class OverlayFuse extends FuseStubFS {
  private static final Logger LOG = LoggerFactory.getLogger(OverlayFuse.class);
  private static final int EIO = 5;
  private static final int EINVAL = 22;
  private static final int ERANGE = 34;

  private final Overlay overlay;
  private final Map<Long, OpenFile> files = new ConcurrentHashMap<>();
  private final AtomicLong handles = new AtomicLong();
  private final CountDownLatch initialized = new CountDownLatch(1);

  public OverlayFuse(Overlay overlay) {
    this.overlay = overlay;
    // flag_nullpath_ok and flag_utime_omit_ok: calls on an open file whose path libfuse lost
    // (its directory was removed after it) get a null path, and UTIME_NOW/UTIME_OMIT reach
    // utimens as they are. jnr-fuse maps the bitfield as padding.
    Pointer ops = Struct.getMemory(fuseOperations);
    long at = offsetOf(fuseOperations.flag_nullpath_ok);
    ops.putByte(at, (byte) (ops.getByte(at) | 0b101));
    installStructCallbacks();
  }

  /**
   * jnr-fuse wraps each call's {@code struct stat} and {@code struct fuse_file_info} in a new
   * jnr {@code Struct} (FileStat has 16 member objects); JFR showed that allocation as the young
   * collections of a walk. So the calls made per file (getattr, open, read_buf, write_buf,
   * release) are callbacks of their own that read and write those structs at their offsets, and
   * have no FuseStubFS method. The layouts are the LP64 glibc ones of the architectures the
   * kernel binding supports.
   */
  private void installStructCallbacks() {
    StatLayout layout = StatLayout.current();
    fuseOperations.getattr.set((path, stbuf) -> call("getattr", path, () -> {
      layout.fill(stbuf, overlay.getattr(bytes(path)));
      return 0;
    }));
    fuseOperations.fgetattr.set((path, stbuf, fi) -> call("fgetattr", path, () -> {
      layout.fill(stbuf, overlay.fgetattr(bytes(path), file(fi.getLong(FI_FH))));
      return 0;
    }));
    fuseOperations.open.set((path, fi) -> call("open", path,
        () -> handle(fi, overlay.open(bytes(path), fi.getInt(FI_FLAGS)))));
    fuseOperations.create.set((path, mode, fi) -> call("create", path,
        () -> handle(fi, overlay.create(bytes(path), (int) mode, fi.getInt(FI_FLAGS), caller()))));
    // libfuse calls read_buf and write_buf, never read and write, once they are set
    fuseOperations.read_buf.set((path, bufp, size, offset, fi) -> call("read_buf", path,
        () -> readBuf(bufp, size, offset, file(fi.getLong(FI_FH)))));
    fuseOperations.write_buf.set((path, buf, offset, fi) -> call("write_buf", path,
        () -> writeBuf(buf, offset, file(fi.getLong(FI_FH)))));
    fuseOperations.release.set((path, fi) -> call("release", path, () -> {
      OpenFile f = files.remove(fi.getLong(FI_FH));
      if (f != null) {
        // a file whose path libfuse lost comes as null (nullpath_ok) or, in older libfuse 2, "-"
        overlay.release(path == null || !path.startsWith("/") ? null : bytes(path), f);
      }
      return 0;
    }));
  }

  /**
   * Reads by reference: a vector naming the backing file's descriptor and offset, so libfuse
   * splices the data from the file into /dev/fuse ({@code splice_write}) instead of copying it
   * through a buffer twice. libfuse frees the vector with free(3).
   */
  private static int readBuf(Pointer bufp, long size, long offset, OpenFile f) throws ErrnoException {
    long vector = allocateVector();
    FuseBuffers.putFileVector(vector, f.fd().number(), size, offset);
    bufp.putAddress(0, vector);
    return 0;
  }

  /**
   * Writes by reference: with {@code splice_read} libfuse hands over the request's data as a pipe,
   * and {@code fuse_buf_copy} splices it into the backing file, one copy fewer than a pwrite(2)
   * from a buffer.
   */
  private static int writeBuf(Pointer source, long offset, OpenFile f) throws ErrnoException {
    long destination = allocateVector();
    try {
      FuseBuffers.putFileVector(destination, f.fd().number(), FuseBuffers.size(source.address()), offset);
      long r = FuseBuffers.copy(destination, source.address());
      if (r < 0) {
        throw new ErrnoException((int) -r, "write");
      }
      return (int) r;
    } finally {
      com.sun.jna.Native.free(destination);
    }
  }

  private static long allocateVector() throws ErrnoException {
    long vector = com.sun.jna.Native.malloc(FuseBuffers.VECTOR_SIZE);
    if (vector == 0) {
      throw new ErrnoException(ErrnoException.ENOMEM, "malloc");
    }
    return vector;
  }

  /** {@code struct fuse_file_info} (libfuse 2, LP64): {@code int flags} at 0, {@code uint64_t fh} at 24. */
  private static final long FI_FLAGS = 0;
  private static final long FI_FH = 24;

  private OpenFile file(long fh) throws ErrnoException {
    OpenFile f = files.get(fh);
    if (f == null) {
      throw new ErrnoException(ErrnoException.EBADF, "file handle");
    }
    return f;
  }

  private int handle(Pointer fi, OpenFile f) {
    long h = handles.incrementAndGet();
    files.put(h, f);
    fi.putLong(FI_FH, h);
    return 0;
  }

  /** jnr's member offsets are not public API; the struct layout is, so read it reflectively. */
  private static long offsetOf(Object member) {
    try {
      Class<?> c = member.getClass();
      while (c != null) {
        for (java.lang.reflect.Method m : c.getDeclaredMethods()) {
          if (m.getName().equals("offset") && m.getParameterCount() == 0) {
            m.setAccessible(true);
            return ((Number) m.invoke(member)).longValue();
          }
        }
        c = c.getSuperclass();
      }
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("cannot locate fuse_operations flags", e);
    }
    throw new IllegalStateException("cannot locate fuse_operations flags");
  }

  /** Counts down once libfuse has the kernel connection (FUSE_INIT): the mount is live. */
  public CountDownLatch initialized() {
    return initialized;
  }

  @Override
  protected String getFSName() {
    return "usernetes-identity";
  }

  @Override
  public Pointer init(Pointer conn) {
    initialized.countDown();
    return null;
  }

  private interface Call {
    int run() throws ErrnoException;
  }

  private static int call(String op, String path, Call call) {
    try {
      return call.run();
    } catch (ErrnoException e) {
      if (LOG.isTraceEnabled()) {
        LOG.trace("{} {}: {}", op, path, e.getMessage());
      }
      return -e.errno();
    } catch (IdNotMappableException e) {
      return -EINVAL;
    } catch (RuntimeException | Error e) {
      LOG.error("{} {} failed", op, path, e);
      return -EIO;
    }
  }

  private static byte[] bytes(String path) {
    return path == null ? null : MergedPath.of(path);
  }

  private Caller caller() {
    var c = getContext();
    return new Caller(c.uid.get(), c.gid.get(), c.pid.get());
  }

  private OpenFile file(FuseFileInfo fi) throws ErrnoException {
    return file(fi.fh.get());
  }

  @Override
  public int readlink(String path, Pointer buf, @size_t long size) {
    return call("readlink", path, () -> {
      byte[] target = overlay.readlink(bytes(path));
      int n = (int) Math.min(target.length, size - 1);
      buf.put(0, target, 0, n);
      buf.putByte(n, (byte) 0);
      return 0;
    });
  }

  @Override
  public int opendir(String path, FuseFileInfo fi) {
    return 0; // readdir resolves the path itself
  }

  @Override
  public int readdir(String path, Pointer buf, FuseFillDir filter, @off_t long offset, FuseFileInfo fi) {
    return call("readdir", path, () -> {
      filter.apply(buf, ByteBuffer.wrap(new byte[] {'.', 0}), null, 0);
      filter.apply(buf, ByteBuffer.wrap(new byte[] {'.', '.', 0}), null, 0);
      for (LayerStack.Listed e : overlay.readdir(bytes(path))) {
        byte[] name = Arrays.copyOf(e.name(), e.name().length + 1);
        if (filter.apply(buf, ByteBuffer.wrap(name), null, 0) != 0) {
          break;
        }
      }
      return 0;
    });
  }

  @Override
  public int mknod(String path, @mode_t long mode, @dev_t long rdev) {
    return call("mknod", path, () -> {
      overlay.mknod(bytes(path), (int) mode, Devices.major(rdev), Devices.minor(rdev), caller());
      return 0;
    });
  }

  @Override
  public int mkdir(String path, @mode_t long mode) {
    return call("mkdir", path, () -> {
      overlay.mkdir(bytes(path), (int) mode, caller());
      return 0;
    });
  }

  @Override
  public int unlink(String path) {
    return call("unlink", path, () -> {
      overlay.unlink(bytes(path));
      return 0;
    });
  }

  @Override
  public int rmdir(String path) {
    return call("rmdir", path, () -> {
      overlay.rmdir(bytes(path));
      return 0;
    });
  }

  @Override
  public int symlink(String target, String path) {
    return call("symlink", path, () -> {
      overlay.symlink(target.getBytes(StandardCharsets.ISO_8859_1), bytes(path), caller());
      return 0;
    });
  }

  @Override
  public int rename(String from, String to) {
    return call("rename", from, () -> {
      overlay.rename(bytes(from), bytes(to));
      return 0;
    });
  }

  @Override
  public int link(String from, String to) {
    return call("link", from, () -> {
      overlay.link(bytes(from), bytes(to), caller());
      return 0;
    });
  }

  @Override
  public int chmod(String path, @mode_t long mode) {
    return call("chmod", path, () -> {
      overlay.chmod(bytes(path), (int) mode);
      return 0;
    });
  }

  @Override
  public int chown(String path, @uid_t long uid, @gid_t long gid) {
    return call("chown", path, () -> {
      overlay.chown(bytes(path), Devices.id(uid), Devices.id(gid), caller());
      return 0;
    });
  }

  @Override
  public int truncate(String path, @off_t long size) {
    return call("truncate", path, () -> {
      overlay.truncate(bytes(path), size);
      return 0;
    });
  }

  @Override
  public int ftruncate(String path, @off_t long size, FuseFileInfo fi) {
    return call("ftruncate", path, () -> {
      overlay.ftruncate(file(fi), size);
      return 0;
    });
  }

  @Override
  public int utimens(String path, ru.serce.jnrfuse.struct.Timespec[] times) {
    return call("utimens", path, () -> {
      overlay.utimens(bytes(path), time(times[0]), time(times[1]));
      return 0;
    });
  }

  private static Timespec time(ru.serce.jnrfuse.struct.Timespec t) {
    return new Timespec(t.tv_sec.get(), (int) t.tv_nsec.longValue());
  }

  @Override
  public int fsync(String path, int isdatasync, FuseFileInfo fi) {
    return call("fsync", path, () -> {
      overlay.fsync(file(fi), isdatasync != 0);
      return 0;
    });
  }

  @Override
  public int fallocate(String path, int mode, @off_t long offset, @off_t long length, FuseFileInfo fi) {
    return call("fallocate", path, () -> {
      overlay.fallocate(file(fi), mode, offset, length);
      return 0;
    });
  }

  @Override
  public int statfs(String path, Statvfs st) {
    return call("statfs", path, () -> {
      StatVfs s = overlay.statfs();
      st.f_bsize.set(s.blockSize());
      st.f_frsize.set(s.fragmentSize());
      st.f_blocks.set(s.blocks());
      st.f_bfree.set(s.blocksFree());
      st.f_bavail.set(s.blocksAvailable());
      st.f_files.set(s.files());
      st.f_ffree.set(s.filesFree());
      st.f_favail.set(s.filesAvailable());
      st.f_namemax.set(s.nameMax());
      return 0;
    });
  }

  @Override
  public int getxattr(String path, String name, Pointer value, @size_t long size) {
    return call("getxattr", path, () -> copyOut(overlay.getxattr(bytes(path), name, caller()), value, size));
  }

  @Override
  public int listxattr(String path, Pointer list, @size_t long size) {
    return call("listxattr", path, () -> copyOut(overlay.listxattr(bytes(path), caller()), list, size));
  }

  /** The xattr calls' protocol: size 0 asks for the length, too small a buffer is ERANGE. */
  private static int copyOut(byte[] data, Pointer to, long size) {
    if (size == 0) {
      return data.length;
    }
    if (data.length > size) {
      return -ERANGE;
    }
    to.put(0, data, 0, data.length);
    return data.length;
  }

  @Override
  public int setxattr(String path, String name, Pointer value, @size_t long size, int flags) {
    return call("setxattr", path, () -> {
      byte[] data = new byte[(int) size];
      value.get(0, data, 0, data.length);
      overlay.setxattr(bytes(path), name, data, flags);
      return 0;
    });
  }

  @Override
  public int removexattr(String path, String name) {
    return call("removexattr", path, () -> {
      overlay.removexattr(bytes(path), name);
      return 0;
    });
  }
}
