package io.usernetes.identity.fuse;

import java.util.ArrayList;
import java.util.List;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;
import jnr.ffi.annotations.Delegate;

/**
 * libfuse 2.9's {@code struct fuse_lowlevel_ops}: a table of function pointers in a fixed order.
 * A slot left empty makes libfuse answer ENOSYS (the kernel then stops asking, or, for locks,
 * keeps them itself). Pointer arguments arrive as addresses the call may use until it replies.
 * The callback interfaces are public: jnr-ffi calls them from outside this package.
 */
public final class LowLevelOperations {
  /** The slots, in the struct's order. */
  enum Slot {
    INIT, DESTROY, LOOKUP, FORGET, GETATTR, SETATTR, READLINK, MKNOD, MKDIR, UNLINK, RMDIR,
    SYMLINK, RENAME, LINK, OPEN, READ, WRITE, FLUSH, RELEASE, FSYNC, OPENDIR, READDIR, RELEASEDIR,
    FSYNCDIR, STATFS, SETXATTR, GETXATTR, LISTXATTR, REMOVEXATTR, ACCESS, CREATE, GETLK, SETLK,
    BMAP, IOCTL, POLL, WRITE_BUF, RETRIEVE_REPLY, FORGET_MULTI, FLOCK, FALLOCATE
  }

  public interface Init {
    @Delegate void init(Pointer userdata, Pointer connection);
  }

  /** lookup, unlink, rmdir: a name in a directory. */
  public interface NameCall {
    @Delegate void call(Pointer req, long parent, Pointer name);
  }

  public interface Forget {
    @Delegate void forget(Pointer req, long ino, long lookups);
  }

  public interface ForgetMulti {
    @Delegate void forget(Pointer req, long count, Pointer forgets);
  }

  /** readlink, statfs. */
  public interface InodeCall {
    @Delegate void call(Pointer req, long ino);
  }

  /** getattr, open, release, opendir, releasedir: an inode and its file info (maybe null). */
  public interface FileCall {
    @Delegate void call(Pointer req, long ino, Pointer fileInfo);
  }

  public interface Setattr {
    @Delegate void setattr(Pointer req, long ino, Pointer stat, int toSet, Pointer fileInfo);
  }

  public interface Mknod {
    @Delegate void mknod(Pointer req, long parent, Pointer name, int mode, long rdev);
  }

  public interface Mkdir {
    @Delegate void mkdir(Pointer req, long parent, Pointer name, int mode);
  }

  public interface Symlink {
    @Delegate void symlink(Pointer req, Pointer target, long parent, Pointer name);
  }

  public interface Rename {
    @Delegate void rename(Pointer req, long parent, Pointer name, long newParent, Pointer newName);
  }

  public interface Link {
    @Delegate void link(Pointer req, long ino, long newParent, Pointer newName);
  }

  /** read, readdir: size bytes at offset. */
  public interface ReadCall {
    @Delegate void read(Pointer req, long ino, long size, long offset, Pointer fileInfo);
  }

  public interface Fsync {
    @Delegate void fsync(Pointer req, long ino, int dataOnly, Pointer fileInfo);
  }

  public interface Setxattr {
    @Delegate void setxattr(Pointer req, long ino, Pointer name, Pointer value, long size, int flags);
  }

  public interface Getxattr {
    @Delegate void getxattr(Pointer req, long ino, Pointer name, long size);
  }

  public interface Listxattr {
    @Delegate void listxattr(Pointer req, long ino, long size);
  }

  public interface Removexattr {
    @Delegate void removexattr(Pointer req, long ino, Pointer name);
  }

  public interface Create {
    @Delegate void create(Pointer req, long parent, Pointer name, int mode, Pointer fileInfo);
  }

  public interface WriteBuf {
    @Delegate void write(Pointer req, long ino, Pointer bufvec, long offset, Pointer fileInfo);
  }

  public interface Fallocate {
    @Delegate void fallocate(Pointer req, long ino, int mode, long offset, long length, Pointer fileInfo);
  }

  private final Runtime runtime = Runtime.getSystemRuntime();
  private final Pointer table = Memory.allocateDirect(runtime, Slot.values().length * 8L, true);
  /** The closures must outlive the session: the table holds only their addresses. */
  private final List<Object> keptAlive = new ArrayList<>();

  <T> LowLevelOperations set(Slot slot, Class<T> type, T callback) {
    Pointer closure = runtime.getClosureManager().getClosurePointer(type, callback);
    keptAlive.add(callback);
    keptAlive.add(closure);
    table.putPointer(slot.ordinal() * 8L, closure);
    return this;
  }

  Pointer table() {
    return table;
  }

  long size() {
    return Slot.values().length * 8L;
  }
}
