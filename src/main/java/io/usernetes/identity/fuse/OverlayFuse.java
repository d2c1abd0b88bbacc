package io.usernetes.identity.fuse;

import io.usernetes.identity.fuse.LowLevelOperations.Slot;
import io.usernetes.identity.fuse.NodeTable.Node;
import io.usernetes.identity.kernel.ErrnoException;
import io.usernetes.identity.kernel.StatVfs;
import io.usernetes.identity.kernel.Timespec;
import io.usernetes.identity.layers.LayerStack;
import io.usernetes.identity.layers.MergedPath;
import io.usernetes.identity.ownership.IdNotMappableException;
import io.usernetes.identity.overlay.Attr;
import io.usernetes.identity.overlay.Caller;
import io.usernetes.identity.overlay.OpenFile;
import io.usernetes.identity.overlay.Overlay;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import ru.serce.jnrfuse.struct.Statvfs;

/**
 * The FUSE adapter: turns each low-level libfuse request into {@link Overlay} calls on the
 * paths of {@link NodeTable}'s nodes, and their results or {@link ErrnoException} into the reply.
 * Around the overlay it keeps what libfuse's high-level library kept for it: node ids and
 * lookup counts, hidden names for removed open files, {@code auto_cache}, timeouts.
 */
public final class OverlayFuse {
  private static final Logger LOG = LoggerFactory.getLogger(OverlayFuse.class);
  private static final int EIO = ErrnoException.EIO;
  private static final int EINVAL = ErrnoException.EINVAL;
  private static final int ERANGE = ErrnoException.ERANGE;
  private static final int S_IFMT = 0170000;
  private static final int S_IFREG = 0100000;
  private static final int O_CREAT_EXCL_WRONLY = 0100 | 0200 | 01;
  /** readdir's inode number when it has none to give: the kernel then asks by lookup. */
  private static final long UNKNOWN_INO = 0xFFFF_FFFFL;
  /** {@code FUSE_BUF_SPLICE_MOVE}: libfuse may move the file's pages into the pipe. */
  private static final int SPLICE_MOVE = 1 << 2;

  /** {@code struct fuse_file_info} (libfuse 2, LP64): flags at 0, bits at 20, fh at 24. */
  private static final long FI_FLAGS = 0;
  private static final long FI_BITS = 20;
  private static final long FI_FH = 24;
  private static final int FI_KEEP_CACHE = 1 << 1;

  /** setattr's {@code to_set} bits (FUSE_SET_ATTR_*). */
  private static final int SET_MODE = 1;
  private static final int SET_UID = 1 << 1;
  private static final int SET_GID = 1 << 2;
  private static final int SET_SIZE = 1 << 3;
  private static final int SET_ATIME = 1 << 4;
  private static final int SET_MTIME = 1 << 5;
  private static final int SET_ATIME_NOW = 1 << 7;
  private static final int SET_MTIME_NOW = 1 << 8;

  private final Overlay overlay;
  private final KernelCaching caching;
  private final LibFuse fuse = LibFuse.load();
  private final Runtime runtime = Runtime.getSystemRuntime();
  private final StatLayout layout = StatLayout.current();
  private final NodeTable nodes = new NodeTable();
  private final Map<Long, OpenFile> files = new ConcurrentHashMap<>();
  private final Map<Long, Listing> directories = new ConcurrentHashMap<>();
  private final AtomicLong handles = new AtomicLong();
  private final CountDownLatch initialized = new CountDownLatch(1);
  private final ThreadLocal<Scratch> scratch = ThreadLocal.withInitial(Scratch::new);
  private final LowLevelOperations operations = new LowLevelOperations();

  /** An open directory: its entries (NUL-terminated), listed at the first (or a rewound) read. */
  private static final class Listing {
    List<byte[]> names;
  }

  /**
   * Native memory one thread reuses for its replies: libfuse copies a reply out before the
   * reply call returns, so nothing here outlives a request.
   */
  private final class Scratch {
    final Pointer entry = Memory.allocateDirect(runtime, 16 + layout.structSize + 16, true);
    final Pointer stat = Memory.allocateDirect(runtime, layout.structSize, true);
    final Pointer vector = Memory.allocateDirect(runtime, FuseBuffers.VECTOR_SIZE, true);
    Pointer directory = Memory.allocateDirect(runtime, 4096, true);
    long directorySize = 4096;
    /** The path this thread's request resolved last, for the log. */
    byte[] path;

    Pointer directory(long size) {
      if (size > directorySize) {
        directory = Memory.allocateDirect(runtime, size, true);
        directorySize = size;
      }
      return directory;
    }
  }

  public OverlayFuse(Overlay overlay, KernelCaching caching) {
    this.overlay = overlay;
    this.caching = caching;
    install();
  }

  /**
   * Loads libfuse's binding and makes the closures of every callback type, which jnr-ffi then
   * keeps per type, so that the first mount of a JVM does not wait for them. Nothing is mounted;
   * the throwaway instance serves nothing.
   */
  public static void warmUp() {
    new OverlayFuse(null, new KernelCaching(0, 0, 0));
  }

  /** Counts down once libfuse has the kernel connection (FUSE_INIT): the mount is live. */
  public CountDownLatch initialized() {
    return initialized;
  }

  LowLevelOperations operations() {
    return operations;
  }

  private void install() {
    LowLevelOperations o = operations;
    o.set(Slot.INIT, LowLevelOperations.Init.class, (userdata, connection) -> initialized.countDown());
    o.set(Slot.LOOKUP, LowLevelOperations.NameCall.class, this::lookup);
    o.set(Slot.FORGET, LowLevelOperations.Forget.class, (req, ino, lookups) -> {
      synchronized (nodes) {
        nodes.forget(ino, lookups);
      }
      fuse.fuse_reply_none(req);
    });
    o.set(Slot.FORGET_MULTI, LowLevelOperations.ForgetMulti.class, (req, count, forgets) -> {
      synchronized (nodes) {
        for (long i = 0; i < count; i++) {
          nodes.forget(forgets.getLong(i * 16), forgets.getLong(i * 16 + 8));
        }
      }
      fuse.fuse_reply_none(req);
    });
    o.set(Slot.GETATTR, LowLevelOperations.FileCall.class, this::getattr);
    o.set(Slot.SETATTR, LowLevelOperations.Setattr.class, this::setattr);
    o.set(Slot.READLINK, LowLevelOperations.InodeCall.class, (req, ino) -> call(req, "readlink", () -> {
      byte[] target = overlay.readlink(path(ino));
      byte[] terminated = Arrays.copyOf(target, target.length + 1);
      fuse.fuse_reply_readlink(req, terminated);
    }));
    o.set(Slot.MKNOD, LowLevelOperations.Mknod.class, this::mknod);
    o.set(Slot.MKDIR, LowLevelOperations.Mkdir.class, (req, parent, name, mode) -> call(req, "mkdir", () -> {
      Named n = named(parent, name);
      overlay.mkdir(n.path, mode, caller(req));
      replyEntry(req, n);
    }));
    o.set(Slot.SYMLINK, LowLevelOperations.Symlink.class, (req, target, parent, name) -> call(req, "symlink", () -> {
      Named n = named(parent, name);
      overlay.symlink(bytes(target), n.path, caller(req));
      replyEntry(req, n);
    }));
    o.set(Slot.UNLINK, LowLevelOperations.NameCall.class, this::unlink);
    o.set(Slot.RMDIR, LowLevelOperations.NameCall.class, (req, parent, name) -> call(req, "rmdir", () -> {
      Named n = named(parent, name);
      overlay.rmdir(n.path);
      synchronized (nodes) {
        nodes.removed(n.parent, NodeTable.name(n.name));
      }
      fuse.fuse_reply_err(req, 0);
    }));
    o.set(Slot.RENAME, LowLevelOperations.Rename.class, this::rename);
    o.set(Slot.LINK, LowLevelOperations.Link.class, this::link);
    o.set(Slot.OPEN, LowLevelOperations.FileCall.class, this::open);
    o.set(Slot.READ, LowLevelOperations.ReadCall.class, this::read);
    o.set(Slot.WRITE_BUF, LowLevelOperations.WriteBuf.class, this::write);
    o.set(Slot.RELEASE, LowLevelOperations.FileCall.class, this::release);
    o.set(Slot.FSYNC, LowLevelOperations.Fsync.class, (req, ino, dataOnly, fi) -> call(req, "fsync", () -> {
      overlay.fsync(file(fi), dataOnly != 0);
      fuse.fuse_reply_err(req, 0);
    }));
    o.set(Slot.OPENDIR, LowLevelOperations.FileCall.class, (req, ino, fi) -> call(req, "opendir", () -> {
      path(ino); // a directory that is gone cannot be opened
      long h = handles.incrementAndGet();
      directories.put(h, new Listing());
      fi.putLong(FI_FH, h);
      if (fuse.fuse_reply_open(req, fi) != 0) {
        directories.remove(h);
      }
    }));
    o.set(Slot.READDIR, LowLevelOperations.ReadCall.class, this::readdir);
    o.set(Slot.RELEASEDIR, LowLevelOperations.FileCall.class, (req, ino, fi) -> {
      directories.remove(fi.getLong(FI_FH));
      fuse.fuse_reply_err(req, 0);
    });
    o.set(Slot.STATFS, LowLevelOperations.InodeCall.class, (req, ino) -> call(req, "statfs", () -> {
      StatVfs s = overlay.statfs();
      Pointer p = Memory.allocateDirect(runtime, 112, true);
      Statvfs st = Statvfs.of(p);
      st.f_bsize.set(s.blockSize());
      st.f_frsize.set(s.fragmentSize());
      st.f_blocks.set(s.blocks());
      st.f_bfree.set(s.blocksFree());
      st.f_bavail.set(s.blocksAvailable());
      st.f_files.set(s.files());
      st.f_ffree.set(s.filesFree());
      st.f_favail.set(s.filesAvailable());
      st.f_namemax.set(s.nameMax());
      fuse.fuse_reply_statfs(req, p);
    }));
    o.set(Slot.SETXATTR, LowLevelOperations.Setxattr.class, (req, ino, name, value, size, flags) -> call(req, "setxattr", () -> {
      byte[] data = new byte[(int) size];
      value.get(0, data, 0, data.length);
      overlay.setxattr(path(ino), xattrName(name), data, flags);
      fuse.fuse_reply_err(req, 0);
    }));
    o.set(Slot.GETXATTR, LowLevelOperations.Getxattr.class, (req, ino, name, size) -> call(req, "getxattr",
        () -> replyXattr(req, overlay.getxattr(path(ino), xattrName(name), caller(req)), size)));
    o.set(Slot.LISTXATTR, LowLevelOperations.Listxattr.class, (req, ino, size) -> call(req, "listxattr",
        () -> replyXattr(req, overlay.listxattr(path(ino), caller(req)), size)));
    o.set(Slot.REMOVEXATTR, LowLevelOperations.Removexattr.class, (req, ino, name) -> call(req, "removexattr", () -> {
      overlay.removexattr(path(ino), xattrName(name));
      fuse.fuse_reply_err(req, 0);
    }));
    o.set(Slot.CREATE, LowLevelOperations.Create.class, this::create);
    o.set(Slot.FALLOCATE, LowLevelOperations.Fallocate.class, (req, ino, mode, offset, length, fi) -> call(req, "fallocate", () -> {
      overlay.fallocate(file(fi), mode, offset, length);
      fuse.fuse_reply_err(req, 0);
    }));
  }

  // ---------------------------------------------------------------- names and nodes

  /** A name in a directory node, with its path (ENOENT when the directory has none). */
  private record Named(Node parent, byte[] name, byte[] path) {}

  private Named named(long parentId, Pointer name) throws ErrnoException {
    byte[] n = bytes(name);
    synchronized (nodes) {
      Node parent = node(parentId);
      byte[] path = nodes.path(parent, n);
      if (path == null) {
        throw new ErrnoException(ErrnoException.ENOENT, "parent removed");
      }
      scratch.get().path = path;
      return new Named(parent, n, path);
    }
  }

  /** Must hold the table's lock. */
  private Node node(long id) throws ErrnoException {
    Node n = nodes.get(id);
    if (n == null) {
      throw new ErrnoException(ErrnoException.ESTALE, "node " + id);
    }
    return n;
  }

  /** A node and its path, null when it has none any more (an open file may still be used). */
  private record Located(Node node, byte[] path) {}

  private Located located(long ino) throws ErrnoException {
    synchronized (nodes) {
      Node node = node(ino);
      byte[] path = nodes.path(node);
      scratch.get().path = path;
      return new Located(node, path);
    }
  }

  private byte[] path(long ino) throws ErrnoException {
    byte[] path = located(ino).path;
    if (path == null) {
      throw new ErrnoException(ErrnoException.ENOENT, "removed");
    }
    return path;
  }

  private static byte[] bytes(Pointer name) {
    int length = name.indexOf(0, (byte) 0);
    byte[] b = new byte[length];
    name.get(0, b, 0, length);
    return b;
  }

  private static String xattrName(Pointer name) {
    return NodeTable.name(bytes(name));
  }

  // ---------------------------------------------------------------- replies

  private interface Body {
    void run() throws ErrnoException;
  }

  private void call(Pointer req, String op, Body body) {
    Scratch s = scratch.get();
    s.path = null;
    try {
      body.run();
    } catch (ErrnoException e) {
      if (LOG.isTraceEnabled()) {
        LOG.trace("{} {}: {}", op, shown(s.path), e.getMessage());
      }
      fuse.fuse_reply_err(req, e.errno());
    } catch (IdNotMappableException e) {
      fuse.fuse_reply_err(req, EINVAL);
    } catch (RuntimeException | Error e) {
      LOG.error("{} {} failed", op, shown(s.path), e);
      fuse.fuse_reply_err(req, EIO);
    }
  }

  private static String shown(byte[] path) {
    return path == null ? "(no path)" : MergedPath.show(path);
  }

  private Caller caller(Pointer req) {
    Pointer ctx = fuse.fuse_req_ctx(req);
    return new Caller(ctx.getInt(0) & 0xFFFF_FFFFL, ctx.getInt(4) & 0xFFFF_FFFFL, ctx.getInt(8));
  }

  /** Registers {@code n} as found and fills the entry reply for it; returns the node. */
  private Node fillEntry(Pointer entry, Named n, Attr a) {
    Node node;
    synchronized (nodes) {
      node = nodes.found(n.parent, NodeTable.name(n.name), a.linkKey());
      reported(node, a);
    }
    fillEntry(entry, node.id, a);
    return node;
  }

  private void fillEntry(Pointer entry, long id, Attr a) {
    entry.putLong(0, id);
    entry.putLong(8, 0); // generation: node ids are never reused
    layout.fill(entry.slice(16), a);
    entry.putDouble(16 + layout.structSize, caching.attrTimeout());
    entry.putDouble(16 + layout.structSize + 8, caching.entryTimeout());
  }

  /** A name was made: reply with its entry (its attributes as a lookup would give them). */
  private void replyEntry(Pointer req, Named n) throws ErrnoException {
    Attr a = overlay.getattr(n.path);
    Pointer entry = scratch.get().entry;
    sendEntry(req, entry, fillEntry(entry, n, a));
  }

  /** Sends {@code entry} for {@code node}; a reply the kernel refused took no lookup of it. */
  private void sendEntry(Pointer req, Pointer entry, Node node) {
    if (fuse.fuse_reply_entry(req, entry) != 0) {
      synchronized (nodes) {
        nodes.forget(node.id, 1); // the request was interrupted: the kernel never got the node
      }
    }
  }

  private void replyAttr(Pointer req, Node node, Attr a) {
    synchronized (nodes) {
      reported(node, a);
    }
    Pointer st = scratch.get().stat;
    layout.fill(st, a);
    fuse.fuse_reply_attr(req, st, caching.attrTimeout());
  }

  /** {@code auto_cache}: a size or mtime other than the last one reported drops the page cache at the next open. */
  private static void reported(Node n, Attr a) {
    if (n.pages != null && !n.pages.matches(a.size(), a.mtime().seconds(), a.mtime().nanos())) {
      n.pages = null; // every attr reply of an open file passes here: compare, allocate nothing
    }
  }

  private static NodeTable.PageCacheStamp stamp(Attr a) {
    return new NodeTable.PageCacheStamp(a.size(), a.mtime().seconds(), a.mtime().nanos());
  }

  /** The xattr calls' protocol: size 0 asks for the length, too small a buffer is ERANGE. */
  private void replyXattr(Pointer req, byte[] data, long size) {
    if (size == 0) {
      fuse.fuse_reply_xattr(req, data.length);
    } else if (data.length > size) {
      fuse.fuse_reply_err(req, ERANGE);
    } else {
      fuse.fuse_reply_buf(req, data, data.length);
    }
  }

  // ---------------------------------------------------------------- metadata

  private void lookup(Pointer req, long parent, Pointer name) {
    call(req, "lookup", () -> {
      Named n = named(parent, name);
      Attr a;
      try {
        a = overlay.getattr(n.path);
      } catch (ErrnoException e) {
        if (e.errno() != ErrnoException.ENOENT || caching.negativeTimeout() <= 0) {
          throw e;
        }
        if (LOG.isTraceEnabled()) {
          LOG.trace("lookup {}: {}", shown(n.path), e.getMessage());
        }
        // a negative entry: the kernel may remember for negative_timeout that the name is not there
        Pointer entry = scratch.get().entry;
        entry.putLong(0, 0);
        entry.putLong(8, 0);
        entry.putDouble(16 + layout.structSize, 0);
        entry.putDouble(16 + layout.structSize + 8, caching.negativeTimeout());
        fuse.fuse_reply_entry(req, entry);
        return;
      }
      Pointer entry = scratch.get().entry;
      sendEntry(req, entry, fillEntry(entry, n, a));
    });
  }

  private void getattr(Pointer req, long ino, Pointer fi) {
    call(req, "getattr", () -> {
      Located at = located(ino);
      Attr a;
      if (fi != null) {
        a = overlay.fgetattr(at.path, file(fi));
      } else if (at.path == null) {
        throw new ErrnoException(ErrnoException.ENOENT, "removed");
      } else {
        a = overlay.getattr(at.path);
      }
      replyAttr(req, at.node, a);
    });
  }

  private void setattr(Pointer req, long ino, Pointer st, int toSet, Pointer fi) {
    call(req, "setattr", () -> {
      Located at = located(ino);
      Node node = at.node;
      byte[] path = at.path;
      OpenFile f = fi == null ? null : files.get(fi.getLong(FI_FH));
      boolean onlySize = (toSet & ~SET_SIZE) == 0;
      if (path == null && !(f != null && onlySize)) {
        throw new ErrnoException(ErrnoException.ENOENT, "removed");
      }
      if ((toSet & SET_MODE) != 0) {
        overlay.chmod(path, layout.mode(st));
      }
      if ((toSet & (SET_UID | SET_GID)) != 0) {
        long uid = (toSet & SET_UID) != 0 ? layout.uid(st) : -1;
        long gid = (toSet & SET_GID) != 0 ? layout.gid(st) : -1;
        overlay.chown(path, uid, gid, caller(req));
      }
      if ((toSet & SET_SIZE) != 0) {
        if (f != null) {
          overlay.ftruncate(f, layout.size(st));
        } else {
          overlay.truncate(path, layout.size(st));
        }
      }
      if ((toSet & (SET_ATIME | SET_MTIME | SET_ATIME_NOW | SET_MTIME_NOW)) != 0) {
        Timespec atime = (toSet & SET_ATIME_NOW) != 0 ? Timespec.NOW
            : (toSet & SET_ATIME) != 0 ? layout.atime(st) : Timespec.OMIT;
        Timespec mtime = (toSet & SET_MTIME_NOW) != 0 ? Timespec.NOW
            : (toSet & SET_MTIME) != 0 ? layout.mtime(st) : Timespec.OMIT;
        overlay.utimens(path, atime, mtime);
      }
      replyAttr(req, node, f != null ? overlay.fgetattr(path, f) : overlay.getattr(path));
    });
  }

  private void mknod(Pointer req, long parent, Pointer name, int mode, long rdev) {
    call(req, "mknod", () -> {
      Named n = named(parent, name);
      if ((mode & S_IFMT) == S_IFREG) {
        // as libfuse did: a regular file is made by create, which knows about owners and records
        OpenFile f = overlay.create(n.path, mode, O_CREAT_EXCL_WRONLY, caller(req));
        try {
          replyEntry(req, n);
        } finally {
          overlay.release(n.path, f);
        }
        return;
      }
      overlay.mknod(n.path, mode, Devices.major(rdev), Devices.minor(rdev), caller(req));
      replyEntry(req, n);
    });
  }

  private void link(Pointer req, long ino, long newParent, Pointer newName) {
    call(req, "link", () -> {
      Named to = named(newParent, newName);
      Node node;
      synchronized (nodes) {
        node = node(ino);
      }
      overlay.link(path(ino), to.path, caller(req));
      Attr a = overlay.getattr(to.path);
      // the new name is the same node: the kernel updates the one inode every name shares
      synchronized (nodes) {
        nodes.linked(node, to.parent, NodeTable.name(to.name), a.linkKey());
        reported(node, a);
      }
      Pointer entry = scratch.get().entry;
      fillEntry(entry, node.id, a);
      sendEntry(req, entry, node);
    });
  }

  // ---------------------------------------------------------------- removing and renaming

  private void unlink(Pointer req, long parent, Pointer name) {
    call(req, "unlink", () -> {
      Named n = named(parent, name);
      String key = NodeTable.name(n.name);
      Node target;
      synchronized (nodes) {
        target = nodes.child(n.parent, key);
      }
      if (NodeTable.mustHide(target)) {
        hide(target, n);
      } else {
        overlay.unlink(n.path);
        synchronized (nodes) {
          nodes.removed(n.parent, key);
        }
      }
      fuse.fuse_reply_err(req, 0);
    });
  }

  /**
   * Removes the open file {@code node}'s last name {@code n} the way libfuse 2 did: a rename to a
   * hidden name, which the overlay keeps out of the tree until the last release.
   */
  private void hide(Node node, Named n) throws ErrnoException {
    byte[] dir = MergedPath.parent(n.path);
    for (int attempt = 0; attempt < 10; attempt++) {
      String hidden;
      synchronized (nodes) {
        hidden = nodes.hiddenName(node);
        if (nodes.child(n.parent, hidden) != null) {
          continue;
        }
      }
      byte[] hiddenPath = MergedPath.child(dir, hidden.getBytes(StandardCharsets.ISO_8859_1));
      if (exists(hiddenPath)) {
        continue;
      }
      overlay.rename(n.path, hiddenPath);
      synchronized (nodes) {
        nodes.hidden(node, n.parent, NodeTable.name(n.name), hidden);
      }
      return;
    }
    throw new ErrnoException(ErrnoException.EBUSY, "no free hidden name");
  }

  private boolean exists(byte[] path) throws ErrnoException {
    try {
      overlay.getattr(path);
      return true;
    } catch (ErrnoException e) {
      if (e.errno() != ErrnoException.ENOENT) {
        throw e;
      }
      return false;
    }
  }

  private void rename(Pointer req, long parent, Pointer name, long newParent, Pointer newName) {
    call(req, "rename", () -> {
      Named from = named(parent, name);
      Named to = named(newParent, newName);
      String toKey = NodeTable.name(to.name);
      Node replaced;
      Node moved;
      synchronized (nodes) {
        replaced = nodes.child(to.parent, toKey);
        moved = nodes.child(from.parent, NodeTable.name(from.name));
      }
      if (replaced != moved && NodeTable.mustHide(replaced)) {
        hide(replaced, to);
      }
      overlay.rename(from.path, to.path);
      synchronized (nodes) {
        nodes.renamed(from.parent, NodeTable.name(from.name), to.parent, toKey);
      }
      fuse.fuse_reply_err(req, 0);
    });
  }

  // ---------------------------------------------------------------- files

  private OpenFile file(Pointer fi) throws ErrnoException {
    OpenFile f = files.get(fi.getLong(FI_FH));
    if (f == null) {
      throw new ErrnoException(ErrnoException.EBADF, "file handle");
    }
    return f;
  }

  private long handle(Pointer fi, OpenFile f) {
    long h = handles.incrementAndGet();
    files.put(h, f);
    fi.putLong(FI_FH, h);
    return h;
  }

  private void create(Pointer req, long parent, Pointer name, int mode, Pointer fi) {
    call(req, "create", () -> {
      Named n = named(parent, name);
      OpenFile f = overlay.create(n.path, mode, fi.getInt(FI_FLAGS), caller(req));
      long h = handle(fi, f);
      Node node;
      try {
        Attr a = overlay.fgetattr(n.path, f);
        Pointer entry = scratch.get().entry;
        node = fillEntry(entry, n, a);
        synchronized (nodes) {
          node.opens++;
        }
        if (fuse.fuse_reply_create(req, entry, fi) == 0) {
          return;
        }
      } catch (ErrnoException | RuntimeException e) {
        files.remove(h);
        overlay.release(n.path, f);
        throw e;
      }
      // the open was interrupted: it never happened for the kernel
      files.remove(h);
      closeFile(node, n.path, f);
      synchronized (nodes) {
        nodes.forget(node.id, 1);
      }
    });
  }

  private void open(Pointer req, long ino, Pointer fi) {
    call(req, "open", () -> {
      byte[] path = path(ino);
      OpenFile f = overlay.open(path, fi.getInt(FI_FLAGS));
      long h = handle(fi, f);
      Node node;
      boolean keep;
      try {
        synchronized (nodes) {
          node = node(ino);
        }
        // libfuse's auto_cache with ac_attr_timeout=0: keep the pages only while the file's size
        // and mtime are what the kernel last heard, checked at every open (the host may change it)
        Attr a = overlay.fgetattr(path, f);
        synchronized (nodes) {
          reported(node, a);
          keep = node.pages != null;
          node.pages = stamp(a);
        }
      } catch (ErrnoException | RuntimeException e) {
        files.remove(h);
        overlay.release(path, f);
        throw e;
      }
      synchronized (nodes) {
        node.opens++;
      }
      if (keep) {
        fi.putInt(FI_BITS, fi.getInt(FI_BITS) | FI_KEEP_CACHE);
      }
      if (fuse.fuse_reply_open(req, fi) != 0) {
        files.remove(h);
        closeFile(node, path, f);
      }
    });
  }

  private void release(Pointer req, long ino, Pointer fi) {
    call(req, "release", () -> {
      OpenFile f = files.remove(fi.getLong(FI_FH));
      if (f != null) {
        Node node;
        byte[] path;
        synchronized (nodes) {
          node = nodes.get(ino);
          path = node == null ? null : nodes.path(node); // null: nullpath_ok, as libfuse had it
        }
        if (node != null) {
          closeFile(node, path, f);
        } else {
          overlay.release(null, f);
        }
      }
      fuse.fuse_reply_err(req, 0);
    });
  }

  /** Releases {@code f} on {@code node} and, after its last one, the hidden name of a removed file. */
  private void closeFile(Node node, byte[] path, OpenFile f) throws ErrnoException {
    boolean unlinkHidden;
    synchronized (nodes) {
      unlinkHidden = nodes.released(node);
    }
    overlay.release(path, f);
    if (unlinkHidden && path != null) {
      overlay.unlink(path);
      synchronized (nodes) {
        Node parent = node.names.isEmpty() ? null : node.names.get(0).parent();
        if (parent != null) {
          nodes.removed(parent, node.names.get(0).name());
        }
      }
    }
  }

  /**
   * Reads by reference: a vector naming the backing file's descriptor and offset, so libfuse
   * splices the data from the file into /dev/fuse instead of copying it through a buffer twice.
   */
  private void read(Pointer req, long ino, long size, long offset, Pointer fi) {
    call(req, "read", () -> {
      OpenFile f = file(fi);
      Pointer vector = scratch.get().vector;
      FuseBuffers.putFileVector(vector, f.fd().number(), size, offset);
      fuse.fuse_reply_data(req, vector, SPLICE_MOVE);
    });
  }

  /**
   * Writes by reference: with {@code splice_read} libfuse hands over the request's data as a pipe,
   * and {@code fuse_buf_copy} splices it into the backing file, one copy fewer than a pwrite(2).
   */
  private void write(Pointer req, long ino, Pointer source, long offset, Pointer fi) {
    call(req, "write", () -> {
      OpenFile f = file(fi);
      Pointer destination = scratch.get().vector;
      FuseBuffers.putFileVector(destination, f.fd().number(), FuseBuffers.size(source.address()), offset);
      long r = FuseBuffers.copy(destination.address(), source.address());
      if (r < 0) {
        throw new ErrnoException((int) -r, "write");
      }
      fuse.fuse_reply_write(req, r);
    });
  }

  // ---------------------------------------------------------------- directories

  private static final byte[] DOT = {'.', 0};
  private static final byte[] DOT_DOT = {'.', '.', 0};

  private void readdir(Pointer req, long ino, long size, long offset, Pointer fi) {
    call(req, "readdir", () -> {
      Listing listing = directories.get(fi.getLong(FI_FH));
      if (listing == null) {
        throw new ErrnoException(ErrnoException.EBADF, "directory handle");
      }
      if (offset == 0 || listing.names == null) {
        List<LayerStack.Listed> listed = overlay.readdir(path(ino));
        // NUL-terminated once here, not at every read of the listing
        List<byte[]> names = new ArrayList<>(listed.size() + 2);
        names.add(DOT);
        names.add(DOT_DOT);
        for (LayerStack.Listed e : listed) {
          names.add(Arrays.copyOf(e.name(), e.name().length + 1));
        }
        listing.names = names;
      }
      Scratch s = scratch.get();
      Pointer buf = s.directory(size);
      layout.fillEntry(s.stat, UNKNOWN_INO, 0);
      long used = 0;
      for (int i = (int) offset; i < listing.names.size(); i++) {
        long need = fuse.fuse_add_direntry(req, buf.slice(used), size - used, listing.names.get(i), s.stat, i + 1);
        if (need > size - used) {
          break;
        }
        used += need;
      }
      fuse.fuse_reply_buf(req, buf, used);
    });
  }
}
