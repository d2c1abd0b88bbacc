package io.usernetes.identity.overlay;

import io.usernetes.identity.kernel.Attributes;
import io.usernetes.identity.kernel.Entries;
import io.usernetes.identity.kernel.ErrnoException;
import io.usernetes.identity.kernel.Fd;
import io.usernetes.identity.kernel.FileData;
import io.usernetes.identity.kernel.Open;
import io.usernetes.identity.kernel.OpenFlags;
import io.usernetes.identity.kernel.Stat;
import io.usernetes.identity.kernel.StatVfs;
import io.usernetes.identity.kernel.Timespec;
import io.usernetes.identity.kernel.Xattrs;
import io.usernetes.identity.layers.AttributeStore;
import io.usernetes.identity.layers.CopyUp;
import io.usernetes.identity.layers.HiddenXattrs;
import io.usernetes.identity.layers.Layer;
import io.usernetes.identity.layers.LayerStack;
import io.usernetes.identity.layers.MergedPath;
import io.usernetes.identity.layers.Node;
import io.usernetes.identity.layers.OverlayNames;
import io.usernetes.identity.layers.RecordStore;
import io.usernetes.identity.layers.Redirect;
import io.usernetes.identity.layers.Tree;
import io.usernetes.identity.layers.TrueOwnerStore;
import io.usernetes.identity.layers.Whiteouts;
import io.usernetes.identity.layers.WorkDir;
import io.usernetes.identity.ownership.OwnershipTranslator;
import io.usernetes.identity.ownership.RecordValue;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * The merged file system: every operation of the mount in plain Java over byte paths, raising
 * {@link ErrnoException} with the errno the caller should see. The FUSE adapter only translates.
 *
 * <p>Operations that change the tree or copy up hold the write lock; lookups and reads of
 * metadata hold the read lock; I/O on open files holds none.
 */
public final class Overlay implements AutoCloseable {
  private static final int OBJECT = OpenFlags.O_PATH | OpenFlags.O_NOFOLLOW | OpenFlags.O_CLOEXEC;
  private static final int S_ISGID = 02000;

  private final LayerStack stack;
  private final WorkDir work;
  private final CopyUp copyUp;
  private final Whiteouts whiteouts;
  private final Ownership ownership;
  private final boolean staticNlink;
  private final boolean fsync;
  private final boolean xattrs;
  /** {@code redirect_dir=on}: a directory with lower content moves, carrying a redirect. */
  private final boolean createRedirects;
  private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
  private final Set<OpenFile> openFiles = ConcurrentHashMap.newKeySet();
  private final Unlinked unlinked = new Unlinked();

  /**
   * @param staticNlink directories report one link ({@code static_nlink})
   * @param fsync whether fsync syncs (not after {@code volatile})
   * @param xattrs whether extended attributes are served at all (not after {@code noxattrs=1})
   * @param createRedirects whether directories with lower content move ({@code redirect_dir=on})
   */
  public Overlay(LayerStack stack, WorkDir work, Whiteouts whiteouts, Ownership ownership,
      boolean staticNlink, boolean fsync, boolean xattrs, boolean createRedirects) {
    this.createRedirects = createRedirects;
    this.stack = stack;
    this.work = work;
    this.copyUp = work == null ? null : new CopyUp(stack, work, this::storeOverride);
    this.whiteouts = whiteouts;
    this.ownership = ownership;
    this.staticNlink = staticNlink;
    this.fsync = fsync;
    this.xattrs = xattrs;
  }

  /** The local owner and records for a true owner (the override_stat of a lower file). */
  private TrueOwnerStore.Stored storeOverride(long uid, long gid, RecordValue uidRecord, RecordValue gidRecord) {
    OwnershipTranslator.Decision du = ownership.uids().storeTrue(ownership.uids().trueIdOfOverride(uid, uidRecord));
    OwnershipTranslator.Decision dg = ownership.gids().storeTrue(ownership.gids().trueIdOfOverride(gid, gidRecord));
    return new TrueOwnerStore.Stored(du.localOwner(), dg.localOwner(), du.record(), dg.record());
  }

  /**
   * An upper layer that keeps owner and mode in overrides but has none on its root takes the
   * root's from the first lower layer with one (as fuse-overlayfs does at mount): the merged
   * root, which the upper root stands for, keeps the image's owner and mode.
   */
  public void inheritRootOverride() throws ErrnoException {
    Layer upper = stack.upper();
    if (upper == null || !upper.attributes().overrides()) {
      return;
    }
    byte[] self = MergedPath.name(MergedPath.ROOT);
    try (Fd root = stack.dir(upper.index(), MergedPath.ROOT)) {
      Stat st = Attributes.statx(root, self);
      if (upper.attributes().hasOverride(root, self, st)) {
        return;
      }
      for (Layer lower : stack.layers().subList(1, stack.layers().size())) {
        AttributeStore.Stored s;
        try (Fd lowerRoot = stack.dir(lower.index(), MergedPath.ROOT)) {
          s = lower.attributes().read(lowerRoot, self);
        }
        if (s.trueIds() && s.type() == Stat.S_IFDIR) {
          TrueOwnerStore.Stored owned = storeOverride(s.uid(), s.gid(), RecordValue.absent(), RecordValue.absent());
          upper.attributes().initialize(root, self, st, Stat.S_IFDIR, owned.uid(), owned.gid(),
              s.mode() & 07777, 0, 0);
          RecordStore.write(root, self, Stat.S_IFDIR, owned.uidRecord(), owned.gidRecord());
          return;
        }
      }
    }
  }

  private Lock reading() {
    Lock l = lock.readLock();
    l.lock();
    return l;
  }

  private Lock writing() throws ErrnoException {
    if (stack.readOnly()) {
      throw new ErrnoException(ErrnoException.EROFS, "write");
    }
    Lock l = lock.writeLock();
    l.lock();
    return l;
  }

  /** The object at {@code path}, or the removed open file the adapter names so (see {@link Unlinked}). */
  private Entry existing(String call, byte[] path) throws ErrnoException {
    Unlinked.Kept k = unlinked.get(path);
    if (k == null) {
      return Entry.existing(stack, call, path);
    }
    return Entry.kept(stack, call, path, k, k.inWork() ? work.reopen() : stack.dir(k.layer(), k.parent()));
  }

  /** The name {@code path} (see {@link Entry#name}); a hidden name in use exists. */
  private Entry named(String call, byte[] path) throws ErrnoException {
    return unlinked.get(path) == null ? Entry.name(stack, call, path) : existing(call, path);
  }

  // ---------------------------------------------------------------- metadata

  public Attr getattr(byte[] path) throws ErrnoException {
    Lock l = reading();
    try (Entry e = existing("getattr", path)) {
      Node n = e.node();
      Attr a = attributes(stack.layer(n.layer()), e.directory(), e.name);
      if (e.kept != null) {
        // the work directory's link is the mount's, not one of the file's: one less. One kept in
        // a lower layer is whited out there but never changed: it reports what it has.
        return e.kept.inWork() ? a.withNlink(a.nlink() - 1) : a;
      }
      if (!n.isDirectory() || n.dirLayers().length == 1) {
        return a;
      }
      // a directory merged from several layers has no true link count: report 1, "unknown",
      // as the kernel overlay does, so tools never skip subdirectories by counting links
      a = a.withNlink(1);
      if (stack.layer(n.layer()).writable() && path.length > 0) {
        // and it keeps the inode number of the lower directory it was copied up from, as the
        // kernel overlay does: tools that walk back up by "..", as rm -rf does once a tree is
        // deeper than its descriptors, check it against what they saw before the copy-up
        byte[] originPath = n.layerPaths()[1]; // where it came from, when renamed
        try (Fd origin = stack.dir(n.dirLayers()[1], MergedPath.parent(originPath))) {
          a = a.withIno(Attributes.statx(origin, MergedPath.name(originPath)).ino());
        }
      }
      return a;
    } finally {
      l.unlock();
    }
  }

  /**
   * Attributes of an open file: its path's when it still has one (the adapter's hidden name for a
   * removed one), else the descriptor's own.
   */
  public Attr fgetattr(byte[] path, OpenFile file) throws ErrnoException {
    if (path == null) {
      path = unlinked.pathOf(file); // a removed file whose directory was removed too
    }
    if (path != null) {
      try {
        return getattr(path);
      } catch (ErrnoException e) {
        if (e.errno() != ErrnoException.ENOENT) {
          throw e;
        }
      }
    }
    Stat st = Attributes.statx(file.fd());
    OwnershipTranslator u = ownership.uids();
    OwnershipTranslator g = ownership.gids();
    return toAttr(st, false, st.mode(), st.rdevMajor(), st.rdevMinor(),
        u.report(st.uid(), RecordValue.absent(), OptionalLong.empty()),
        g.report(st.gid(), RecordValue.absent(), OptionalLong.empty()));
  }

  private Attr attributes(Layer layer, Fd dir, byte[] name) throws ErrnoException {
    AttributeStore.Stored s = layer.attributes().read(dir, name);
    Stat st = s.stat();
    OwnershipTranslator u = ownership.uids();
    OwnershipTranslator g = ownership.gids();
    long uid;
    long gid;
    if (s.trueIds()) {
      // containers-storage's override in a lower layer: the image's own ids, or a commit's pool
      // ids with the records it carried
      RecordValue[] records = u.overrideMayHaveRecord(s.uid()) || g.overrideMayHaveRecord(s.gid())
          ? RecordStore.read(dir, name, st.type())
          : new RecordValue[] {RecordValue.absent(), RecordValue.absent()};
      uid = u.report(st.uid(), RecordValue.absent(), OptionalLong.of(u.trueIdOfOverride(s.uid(), records[0])));
      gid = g.report(st.gid(), RecordValue.absent(), OptionalLong.of(g.trueIdOfOverride(s.gid(), records[1])));
    } else {
      RecordValue[] records = u.needsRecord(s.uid()) || g.needsRecord(s.gid())
          ? RecordStore.read(dir, name, st.type())
          : new RecordValue[] {RecordValue.absent(), RecordValue.absent()};
      uid = u.report(s.uid(), records[0], OptionalLong.empty());
      gid = g.report(s.gid(), records[1], OptionalLong.empty());
    }
    return toAttr(st, layer.writable(), s.mode(), s.rdevMajor(), s.rdevMinor(), uid, gid);
  }

  private Attr toAttr(Stat st, boolean writable, int mode, int rdevMajor, int rdevMinor, long uid, long gid) {
    long nlink = staticNlink && st.type() == Stat.S_IFDIR ? 1 : st.nlink();
    long linkKey = writable && st.type() != Stat.S_IFDIR && st.nlink() > 1 ? st.ino() : 0;
    return new Attr(mode, nlink, uid, gid, st.size(), st.blocks(), st.blockSize(),
        rdevMajor, rdevMinor, st.ino(), st.atime(), st.mtime(), st.ctime(), linkKey);
  }

  public byte[] readlink(byte[] path) throws ErrnoException {
    Lock l = reading();
    try (Entry e = existing("readlink", path)) {
      return Entries.readlinkat(e.directory(), e.name);
    } finally {
      l.unlock();
    }
  }

  public List<LayerStack.Listed> readdir(byte[] path) throws ErrnoException {
    Lock l = reading();
    try (Entry e = existing("readdir", path)) {
      return stack.list(e.requireDirectory().node());
    } finally {
      l.unlock();
    }
  }

  public StatVfs statfs() throws ErrnoException {
    try (Fd root = stack.dir(0, MergedPath.ROOT)) {
      return Attributes.fstatvfs(root).withNameMax(nameMax());
    }
  }

  /**
   * The longest name a new object may have, what statfs and pathconf report: the layers' own
   * (255, as the kernel overlay says) while whiteouts are 0/0 devices of the same name, and room
   * for ".wh." less once they are {@code .wh.NAME} files, so that every name made can be removed.
   */
  private int nameMax() {
    return whiteouts.usesDevices() ? stack.nameMax() : stack.nameMax() - OverlayNames.WHITEOUT_FILE_EXTRA;
  }

  // ---------------------------------------------------------------- creating

  /** Creates and opens a regular file. */
  public OpenFile create(byte[] path, int mode, int flags, Caller caller) throws ErrnoException {
    Lock l = writing();
    try (Creation c = prepareCreation(path, caller, false)) {
      byte[] tmp = work.temporaryName();
      // the daemon's umask is 0: without set-id bits (which a chown would clear) the file is
      // created with its final permissions and needs no chmod
      int initial = (mode & 06000) == 0 ? mode & 01777 : 0600;
      // the caller's flags (O_SYNC, O_DSYNC, O_DIRECT, O_APPEND, …) stay on the file it gets
      int open = (flags & ~(OpenFlags.O_ACCMODE | OpenFlags.O_CREAT | OpenFlags.O_EXCL | OpenFlags.O_TRUNC
          | OpenFlags.O_NOCTTY)) | OpenFlags.O_RDWR | OpenFlags.O_CREAT | OpenFlags.O_EXCL
          | OpenFlags.O_NOFOLLOW | OpenFlags.O_CLOEXEC;
      Fd fd = Open.openat(work.fd(), tmp, open, initial);
      try {
        finishCreation(c, tmp, Stat.S_IFREG, mode & 07777, 0, 0);
      } catch (ErrnoException | RuntimeException e) {
        fd.close();
        throw e;
      }
      return opened(new OpenFile(fd, true));
    } finally {
      l.unlock();
    }
  }

  private OpenFile opened(OpenFile f) {
    openFiles.add(f);
    return f;
  }

  public void mkdir(byte[] path, int mode, Caller caller) throws ErrnoException {
    Lock l = writing();
    try (Creation c = prepareCreation(path, caller, true)) {
      byte[] tmp = work.temporaryName();
      Entries.mkdirat(work.fd(), tmp, 0700);
      int permissions = (mode & 07777) | (c.inheritGroup ? S_ISGID : 0);
      if (c.replacesWhiteout) {
        try (Fd d = Open.openat(work.fd(), tmp, OBJECT | OpenFlags.O_DIRECTORY, 0)) {
          whiteouts.makeOpaque(d); // what the deleted directory held must not show through
        } catch (ErrnoException | RuntimeException e) {
          work.discard(tmp);
          throw e;
        }
      }
      finishCreation(c, tmp, Stat.S_IFDIR, permissions, 0, 0);
    } finally {
      l.unlock();
    }
  }

  public void mknod(byte[] path, int mode, int rdevMajor, int rdevMinor, Caller caller)
      throws ErrnoException {
    Lock l = writing();
    try (Creation c = prepareCreation(path, caller, false)) {
      byte[] tmp = work.temporaryName();
      int type = mode & Stat.S_IFMT;
      int backing = stack.upper().attributes().backingType(type);
      Entries.mknodat(work.fd(), tmp, backing | 0600, backing == type ? rdevMajor : 0, backing == type ? rdevMinor : 0);
      finishCreation(c, tmp, type, mode & 07777, rdevMajor, rdevMinor);
    } finally {
      l.unlock();
    }
  }

  public void symlink(byte[] target, byte[] path, Caller caller) throws ErrnoException {
    Lock l = writing();
    try (Creation c = prepareCreation(path, caller, false)) {
      byte[] tmp = work.temporaryName();
      Entries.symlinkat(target, work.fd(), tmp);
      finishCreation(c, tmp, Stat.S_IFLNK, -1, 0, 0);
    } finally {
      l.unlock();
    }
  }

  public void link(byte[] from, byte[] to, Caller caller) throws ErrnoException {
    Lock l = writing();
    try (Entry source = existing("link", from); Entry target = named("link", to)) {
      source.requireNotDirectory(ErrnoException.EPERM);
      target.requireCreatable(nameMax());
      Node n = source.copiedUp(copyUp);
      Fd fromDir = source.upperDirectory(copyUp);
      Fd toDir = target.upperDirectory(copyUp);
      // linked in the work directory, then renamed over the whiteout: never a moment in which
      // the whiteout is gone and the lower object shows
      byte[] tmp = work.temporaryName();
      Entries.linkat(fromDir, source.name, work.fd(), tmp);
      try {
        if (n.type() != Stat.S_IFREG) {
          RecordStore.copyEntry(fromDir, source.name, toDir, target.name);
        }
        work.place(tmp, toDir, target.name, true);
      } catch (ErrnoException | RuntimeException e) {
        Entries.unlinkat(work.fd(), tmp, 0);
        throw e;
      }
      stack.forget(to);
    } finally {
      l.unlock();
    }
  }

  /**
   * Where a new object goes and who owns it; made under the write lock and closed on every path,
   * the failed ones too (ENOSPC, EDQUOT, EEXIST), so the parent's descriptor is never left open.
   */
  private record Creation(Entry entry, OwnershipTranslator.Decision uid, OwnershipTranslator.Decision gid,
      boolean inheritGroup, boolean replacesWhiteout) implements AutoCloseable {
    @Override
    public void close() throws ErrnoException {
      entry.close();
    }
  }

  private Creation prepareCreation(byte[] path, Caller caller, boolean directory) throws ErrnoException {
    Entry e = named("create", path);
    try {
      e.requireCreatable(nameMax());
      Attr parentAttr;
      try (Entry parent = existing("create", e.parentPath)) {
        parentAttr = attributes(stack.layer(parent.node().layer()), parent.directory(), parent.name);
      }
      boolean setgid = (parentAttr.mode() & S_ISGID) != 0;
      long gid = setgid ? parentAttr.gid() : caller.gid();
      // decided before the parent is copied up: an id the mount cannot store changes nothing
      OwnershipTranslator.Decision du = ownership.uids().store(caller.uid(), caller.pid());
      OwnershipTranslator.Decision dg = ownership.gids().store(gid, caller.pid());
      boolean whiteout = Whiteouts.isWhitedOut(e.upperDirectory(copyUp), e.name);
      return new Creation(e, du, dg, setgid && directory, whiteout);
    } catch (ErrnoException | RuntimeException x) {
      e.close();
      throw x;
    }
  }

  /**
   * Sets owner, record and mode on the temporary object, then renames it into place; on failure
   * the temporary object is removed.
   */
  private void finishCreation(Creation c, byte[] tmp, int type, int permissions, int rdevMajor, int rdevMinor)
      throws ErrnoException {
    int backing;
    try {
      backing = placeCreation(c, tmp, type, permissions, rdevMajor, rdevMinor);
    } catch (ErrnoException | RuntimeException e) {
      work.discard(tmp);
      throw e;
    }
    if (type == Stat.S_IFDIR) {
      stack.forget(c.entry.path);
    } else {
      // a new non-directory lives in the upper layer alone and hides whatever is below
      stack.remember(new Node(c.entry.path, stack.upper().index(), backing, new int[] {stack.upper().index()}));
    }
  }

  /** @return the backing object's type */
  private int placeCreation(Creation c, byte[] tmp, int type, int permissions, int rdevMajor, int rdevMinor)
      throws ErrnoException {
    Fd upperDir = c.entry.upperDirectory(copyUp);
    byte[] name = c.entry.name;
    Stat st = Attributes.statx(work.fd(), tmp);
    long uid = c.uid == null ? st.uid() : c.uid.localOwner();
    long gid = c.gid == null ? st.gid() : c.gid.localOwner();
    stack.upper().attributes().initialize(work.fd(), tmp, st, type, uid, gid, permissions, rdevMajor, rdevMinor);
    RecordValue ru = c.uid == null ? RecordValue.absent() : c.uid.record();
    RecordValue rg = c.gid == null ? RecordValue.absent() : c.gid.record();
    if (st.type() == Stat.S_IFREG || st.type() == Stat.S_IFDIR) {
      RecordStore.writeNew(work.fd(), tmp, st.type(), ru, rg); // a new object has no records to clear
    } else {
      RecordStore.write(upperDir, name, st.type(), ru, rg);
    }
    work.place(tmp, upperDir, name, c.replacesWhiteout);
    return st.type();
  }

  // ---------------------------------------------------------------- removing and renaming

  public void unlink(byte[] path) throws ErrnoException {
    Lock l = writing();
    try {
      Unlinked.Kept k = unlinked.remove(path);
      if (k != null) {
        discard(k); // the adapter is done with a removed file: its last descriptor was released
        return;
      }
      try (Entry e = Entry.existing(stack, "unlink", path)) {
        remove(e.requireNotDirectory(ErrnoException.EISDIR), false);
        stack.forget(path);
      }
    } finally {
      l.unlock();
    }
  }

  private void discard(Unlinked.Kept k) {
    if (k.inWork()) {
      work.discard(k.name());
    }
  }

  public void rmdir(byte[] path) throws ErrnoException {
    Lock l = writing();
    try (Entry e = existing("rmdir", path)) {
      if (path.length == 0) {
        throw new ErrnoException(ErrnoException.EBUSY, "rmdir", path);
      }
      if (!stack.isEmpty(e.requireDirectory().node())) {
        throw new ErrnoException(ErrnoException.ENOTEMPTY, "rmdir", path);
      }
      remove(e, true);
      stack.forgetTree(path);
    } finally {
      l.unlock();
    }
  }

  /** Removes an object from the upper layer and whites out what lower layers still show. */
  private void remove(Entry e, boolean directory) throws ErrnoException {
    Node n = e.node();
    Layer upper = stack.upper();
    boolean inUpper = n.layer() == upper.index();
    boolean lowerShows = stack.visibleBelow(stack.lookup(e.parentPath), e.name, upper.index());
    if (lowerShows) {
      e.requireNameWithin(nameMax()); // a .wh. file of a name this long cannot be made
    }
    Fd dir = e.upperDirectory(copyUp);
    if (inUpper && lowerShows) {
      // one step from the object to its whiteout: what a merged directory's whiteouts hid, or
      // the lower object itself, never shows, even after a crash
      work.hide(dir, e.name, whiteouts);
    } else if (inUpper) {
      if (directory) {
        try (Fd d = Open.openat(dir, e.name, OBJECT | OpenFlags.O_DIRECTORY, 0)) {
          Tree.removeContents(d); // whiteouts and the marker, with nothing below to uncover
        }
      }
      Entries.unlinkat(dir, e.name, directory ? Entries.AT_REMOVEDIR : 0);
    } else if (lowerShows) {
      whiteouts.create(dir, e.name);
    }
    if (inUpper && n.type() != Stat.S_IFREG && n.type() != Stat.S_IFDIR) {
      RecordStore.forgetEntry(dir, e.name); // a symlink's or special file's record beside it
    }
  }

  public void rename(byte[] from, byte[] to) throws ErrnoException {
    Lock l = writing();
    try (Entry source = existing("rename", from); Entry target = named("rename", to)) {
      target.requireNameWithin(nameMax());
      if (OverlayNames.isReserved(target.name) || MergedPath.isWithin(to, from)) {
        throw new ErrnoException(ErrnoException.EINVAL, "rename", from, to);
      }
      if (source.kept != null || target.kept != null) {
        // the adapter's hidden names are its own: a process that guessed one gets no further
        throw new ErrnoException(ErrnoException.EBUSY, "rename", from, to);
      }
      Layer upper = stack.upper();
      Node moved = source.node();
      if (replacedOpenFile(source, target, moved)) {
        return;
      }
      Node replaced = target.exists() ? target.node() : null;
      Redirect redirect = null;
      if (moved.isDirectory()) {
        // what any file system would refuse comes first, so callers see the usual errno
        if (replaced != null) {
          target.requireDirectory();
          if (!stack.isEmpty(replaced)) {
            throw new ErrnoException(ErrnoException.ENOTEMPTY, "rename", to);
          }
        }
        // a directory with lower content moves only with a redirect (redirect_dir=on) that
        // says where the layers below have it; the empty directory one replaces may have lower
        // content, which it then hides
        if (!moved.onlyIn(upper.index())) {
          boolean sameDirectory = Arrays.equals(source.parentPath, target.parentPath);
          redirect = createRedirects ? stack.redirectFor(moved, sameDirectory) : null;
          if (redirect == null) {
            throw new ErrnoException(ErrnoException.EXDEV, "rename", from, to);
          }
        }
      } else if (replaced != null) {
        target.requireNotDirectory(ErrnoException.EISDIR);
      }
      boolean hidesBelow = moved.isDirectory()
          && stack.visibleBelow(stack.lookup(target.parentPath), target.name, upper.index());
      boolean lowerShows = stack.visibleBelow(stack.lookup(source.parentPath), source.name, upper.index());
      if (lowerShows) {
        source.requireNameWithin(nameMax()); // its whiteout must fit, or the lower object shows again
      }
      moved = source.copiedUp(copyUp);
      Fd fromDir = source.upperDirectory(copyUp);
      Fd toDir = target.upperDirectory(copyUp);
      if (redirect != null) {
        // written first, where it names where the directory already is: the layers below are
        // then looked up there, never at the target's name, so it needs no opacity (which
        // would stop the redirect)
        redirect.write(fromDir, source.name);
      } else if (hidesBelow) {
        // made opaque first, where it hides nothing: whatever lower layers have at the target
        // never shows through the directory that takes its place
        try (Fd d = Open.openat(fromDir, source.name, OBJECT | OpenFlags.O_DIRECTORY, 0)) {
          whiteouts.makeOpaque(d);
        }
      }
      if (replaced != null && replaced.isDirectory() && replaced.layer() == upper.index()) {
        // emptied for rename(2), which replaces only an empty directory; opaque first (its
        // xattr stays), so that removing its whiteouts uncovers nothing, even after a crash
        try (Fd d = Open.openat(toDir, target.name, OBJECT | OpenFlags.O_DIRECTORY, 0)) {
          if (hidesBelow) {
            whiteouts.makeOpaque(d);
          }
          Tree.removeContents(d);
        }
      }
      if (moved.type() != Stat.S_IFREG && moved.type() != Stat.S_IFDIR) {
        RecordStore.moveEntry(fromDir, source.name, toDir, target.name);
      }
      boolean placed = moved.isDirectory() && replaced == null
          && exchangedWithWhiteout(fromDir, source.name, toDir, target.name, lowerShows);
      if (!placed && lowerShows && whiteouts.usesDevices()) {
        try {
          Entries.renameat2(fromDir, source.name, toDir, target.name, Entries.RENAME_WHITEOUT);
          placed = true;
        } catch (ErrnoException e) {
          if (e.errno() != ErrnoException.EINVAL && e.errno() != ErrnoException.EPERM
              && e.errno() != ErrnoException.EOPNOTSUPP) {
            throw e;
          }
        }
      }
      if (!placed) {
        Entries.renameat2(fromDir, source.name, toDir, target.name, 0);
        if (lowerShows) {
          whiteouts.create(fromDir, source.name);
        }
      }
      Whiteouts.removeFile(toDir, target.name);
      if (moved.isDirectory()) {
        stack.forgetTree(from);
        stack.forgetTree(to);
        unlinked.moved(from, to);
      } else {
        stack.forget(from);
        stack.forget(to);
      }
    } finally {
      l.unlock();
    }
  }

  /**
   * A directory cannot be renamed over a whiteout device (ENOTDIR): it is exchanged with it in
   * one step, and the device, now at the source name, stays as the whiteout the lower layers
   * need there or goes. False when the target is not a whiteout device.
   */
  private static boolean exchangedWithWhiteout(Fd fromDir, byte[] fromName, Fd toDir, byte[] toName,
      boolean lowerShows) throws ErrnoException {
    Stat st = Attributes.statxOrNull(toDir, toName);
    if (st == null || !Whiteouts.isWhiteoutDevice(st)) {
      return false;
    }
    Entries.renameat2(fromDir, fromName, toDir, toName, Entries.RENAME_EXCHANGE);
    if (!lowerShows) {
      Entries.unlinkat(fromDir, fromName, 0);
    }
    return true;
  }

  /**
   * The adapter's rename of an open file to a hidden name of its own, in place of the unlink (or the
   * rename over it) a process asked for: the file leaves the merged view as an unlink would take
   * it, but is kept (see {@link Unlinked}). A process's own rename to such a name, of a file
   * nothing holds open, is an ordinary rename.
   *
   * @return whether it was one
   */
  private boolean replacedOpenFile(Entry source, Entry target, Node moved) throws ErrnoException {
    if (target.exists() || moved.type() != Stat.S_IFREG || !Unlinked.isHiddenName(target.name)) {
      return false;
    }
    Set<OpenFile> holders = holdersOf(Attributes.statx(source.directory(), source.name));
    if (holders.isEmpty()) {
      return false;
    }
    Layer upper = stack.upper();
    boolean lowerShows = stack.visibleBelow(stack.lookup(source.parentPath), source.name, upper.index());
    Fd dir = source.upperDirectory(copyUp);
    if (moved.layer() == upper.index()) {
      byte[] kept = work.takeOut(dir, source.name, whiteouts, lowerShows);
      unlinked.keep(target.path, new Unlinked.Kept(true, upper.index(), null, kept, holders));
    } else {
      whiteouts.create(dir, source.name); // opened read-only, it stays in its lower layer
      unlinked.keep(target.path, new Unlinked.Kept(false, moved.layer(), moved.layerParent(), source.name, holders));
    }
    stack.forget(source.path);
    return true;
  }

  /** The open files on the object {@code st} describes. */
  private Set<OpenFile> holdersOf(Stat st) throws ErrnoException {
    Set<OpenFile> holders = ConcurrentHashMap.newKeySet();
    for (OpenFile f : openFiles) {
      Stat o = Attributes.statx(f.fd());
      if (o.ino() == st.ino() && o.devMajor() == st.devMajor() && o.devMinor() == st.devMinor()) {
        holders.add(f);
      }
    }
    return holders;
  }

  // ---------------------------------------------------------------- changing attributes

  public void chmod(byte[] path, int mode) throws ErrnoException {
    Lock l = writing();
    try (Entry e = existing("chmod", path)) {
      // Linux symlink modes are always 0777
      Node n = e.requireNotType(Stat.S_IFLNK, ErrnoException.EOPNOTSUPP).copiedUp(copyUp);
      stack.upper().attributes().chmod(e.upperDirectory(copyUp), e.name, n.type(), mode & 07777);
    } finally {
      l.unlock();
    }
  }

  /** @param uid the new owner, or -1 to keep it; likewise {@code gid} */
  public void chown(byte[] path, long uid, long gid, Caller caller) throws ErrnoException {
    Lock l = writing();
    try (Entry e = existing("chown", path)) {
      // an id the mount cannot store is refused before anything is copied up
      OwnershipTranslator.Decision du = uid < 0 ? null : ownership.uids().store(uid, caller.pid());
      OwnershipTranslator.Decision dg = gid < 0 ? null : ownership.gids().store(gid, caller.pid());
      if (du == null && dg == null) {
        return;
      }
      Node n = e.copiedUp(copyUp);
      Fd dir = e.upperDirectory(copyUp);
      // the type is the node's: the mount is the only writer of its layers
      RecordValue[] records = du == null || dg == null ? RecordStore.read(dir, e.name, n.type()) : null;
      stack.upper().attributes().chown(dir, e.name, n.type(), du == null ? Attributes.UNCHANGED : du.localOwner(),
          dg == null ? Attributes.UNCHANGED : dg.localOwner());
      RecordStore.write(dir, e.name, n.type(),
          du == null ? records[0] : du.record(), dg == null ? records[1] : dg.record());
    } finally {
      l.unlock();
    }
  }

  public void truncate(byte[] path, long size) throws ErrnoException {
    Lock l = writing();
    try (Entry e = existing("truncate", path)) {
      e.requireNotDirectory(ErrnoException.EISDIR).copiedUp(copyUp);
      try (Fd f = Open.openat(e.upperDirectory(copyUp), e.name, OpenFlags.O_WRONLY | OpenFlags.O_CLOEXEC, 0)) {
        FileData.ftruncate(f, size);
      }
    } finally {
      l.unlock();
    }
  }

  public void utimens(byte[] path, Timespec atime, Timespec mtime) throws ErrnoException {
    Lock l = writing();
    try (Entry e = existing("utimens", path)) {
      e.copiedUp(copyUp);
      Attributes.utimensat(e.upperDirectory(copyUp), e.name, atime, mtime);
    } finally {
      l.unlock();
    }
  }

  // ---------------------------------------------------------------- extended attributes

  /** {@code noxattrs=1}: ENOSYS, which the kernel remembers and turns into EOPNOTSUPP for callers. */
  private void requireXattrs(String call, byte[] path) throws ErrnoException {
    if (!xattrs) {
      throw new ErrnoException(ErrnoException.ENOSYS, call, path);
    }
  }

  /**
   * An xattr's value; the mount's own are not there ({@code ENODATA}), but in host mode podman and
   * containers-storage (callers in the mount's own namespace) are shown the ownership records, so
   * that a commit carries the true ids into its layer.
   */
  public byte[] getxattr(byte[] path, String name, Caller caller) throws ErrnoException {
    requireXattrs("getxattr", path);
    // who the caller is matters only for a record's name: no /proc read for any other
    if (HiddenXattrs.isHidden(name) && !(HiddenXattrs.isRecord(name) && ownership.uids().showsRecords(caller.pid()))) {
      throw new ErrnoException(ErrnoException.ENODATA, "getxattr", path);
    }
    Lock l = reading();
    try (Entry e = existing("getxattr", path)) {
      return Xattrs.getAt(e.directory(), e.name, name.getBytes(StandardCharsets.ISO_8859_1));
    } finally {
      l.unlock();
    }
  }

  /** The names, each NUL-terminated, without the hidden namespaces (see {@link #getxattr}). */
  public byte[] listxattr(byte[] path, Caller caller) throws ErrnoException {
    requireXattrs("listxattr", path);
    Lock l = reading();
    try (Entry e = existing("listxattr", path);
        Fd object = Open.openat(e.directory(), e.name, OBJECT, 0)) {
      byte[] raw = Xattrs.listRaw(object);
      return HiddenXattrs.filterList(raw, raw.length,
          HiddenXattrs.listsRecord(raw) && ownership.uids().showsRecords(caller.pid()));
    } finally {
      l.unlock();
    }
  }

  public void setxattr(byte[] path, String name, byte[] value, int flags) throws ErrnoException {
    requireXattrs("setxattr", path);
    if (HiddenXattrs.isHidden(name)) {
      throw new ErrnoException(ErrnoException.EPERM, "setxattr", path);
    }
    Lock l = writing();
    try (Entry e = existing("setxattr", path)) {
      e.copiedUp(copyUp);
      Xattrs.setAt(e.upperDirectory(copyUp), e.name, name.getBytes(StandardCharsets.ISO_8859_1), value, flags);
    } finally {
      l.unlock();
    }
  }

  public void removexattr(byte[] path, String name) throws ErrnoException {
    requireXattrs("removexattr", path);
    if (HiddenXattrs.isHidden(name)) {
      throw new ErrnoException(ErrnoException.EPERM, "removexattr", path);
    }
    Lock l = writing();
    try (Entry e = existing("removexattr", path)) {
      e.copiedUp(copyUp);
      try (Fd object = Open.openat(e.upperDirectory(copyUp), e.name, OBJECT, 0)) {
        Xattrs.remove(object, name.getBytes(StandardCharsets.ISO_8859_1));
      }
    } finally {
      l.unlock();
    }
  }

  // ---------------------------------------------------------------- file data

  public OpenFile open(byte[] path, int flags) throws ErrnoException {
    boolean write = (flags & OpenFlags.O_ACCMODE) != OpenFlags.O_RDONLY || (flags & OpenFlags.O_TRUNC) != 0;
    Lock l = write ? writing() : reading();
    try (Entry e = existing("open", path)) {
      if (write) {
        e.copiedUp(copyUp);
      }
      int open = (flags & ~(OpenFlags.O_CREAT | OpenFlags.O_EXCL | OpenFlags.O_NOCTTY))
          | OpenFlags.O_NOFOLLOW | OpenFlags.O_CLOEXEC;
      OpenFile f = opened(new OpenFile(Open.openat(write ? e.upperDirectory(copyUp) : e.directory(), e.name, open, 0), write));
      if (e.kept != null) {
        e.kept.holders().add(f); // opened again through /proc/PID/fd
      }
      return f;
    } finally {
      l.unlock();
    }
  }

  public void ftruncate(OpenFile f, long size) throws ErrnoException {
    FileData.ftruncate(f.fd(), size);
  }

  public void fallocate(OpenFile f, int mode, long offset, long length) throws ErrnoException {
    FileData.fallocate(f.fd(), mode, offset, length);
  }

  public void fsync(OpenFile f, boolean dataOnly) throws ErrnoException {
    if (!fsync) {
      return; // volatile / fsync=0: the caller asked for speed over durability
    }
    if (dataOnly) {
      FileData.fdatasync(f.fd());
    } else {
      FileData.fsync(f.fd());
    }
  }

  /** @param path the file's path as the adapter knows it, null when it lost it */
  public void release(byte[] path, OpenFile f) throws ErrnoException {
    openFiles.remove(f);
    try {
      for (Unlinked.Kept k : unlinked.released(f, path == null)) {
        discard(k);
      }
    } finally {
      f.fd().close();
    }
  }

  /**
   * Closes every descriptor the overlay holds: files still open when the mount went away, the
   * work directory, the layers. The mount service serves many mounts in one process; a mount
   * that ended must leave nothing behind in it.
   */
  @Override
  public void close() throws ErrnoException {
    for (OpenFile f : openFiles) {
      f.fd().close();
    }
    openFiles.clear();
    if (work != null) {
      work.close();
    }
    stack.close();
  }
}
