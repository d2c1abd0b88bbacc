package io.usernetes.identity.layers;

import io.usernetes.identity.kernel.Attributes;
import io.usernetes.identity.kernel.Entries;
import io.usernetes.identity.kernel.ErrnoException;
import io.usernetes.identity.kernel.Fd;
import io.usernetes.identity.kernel.FileData;
import io.usernetes.identity.kernel.Open;
import io.usernetes.identity.kernel.OpenFlags;
import io.usernetes.identity.kernel.Stat;
import io.usernetes.identity.kernel.Xattrs;
import io.usernetes.identity.ownership.RecordValue;
import java.nio.charset.StandardCharsets;

/**
 * Brings an object of a lower layer into the upper layer so it can be changed: parents first,
 * then the object, built in the work directory with its mode, owner, times, xattrs and ownership
 * record, and renamed into place in one step. Hard links of lower files are not kept (as
 * fuse-overlayfs). Callers hold the mount's write lock.
 */
public final class CopyUp {
  private static final int READ = OpenFlags.O_RDONLY | OpenFlags.O_NOFOLLOW | OpenFlags.O_CLOEXEC;
  private static final int OBJECT = OpenFlags.O_PATH | OpenFlags.O_NOFOLLOW | OpenFlags.O_CLOEXEC;
  private static final byte[] DOT = {'.'};

  private final LayerStack stack;
  private final WorkDir work;
  private final TrueOwnerStore owners;

  public CopyUp(LayerStack stack, WorkDir work, TrueOwnerStore owners) {
    this.stack = stack;
    this.work = work;
    this.owners = owners;
  }

  /** The node after making sure it exists in the upper layer; {@code EROFS} without one. */
  public Node ensureUpper(Node node) throws ErrnoException {
    Layer upper = stack.upper();
    if (upper == null) {
      throw new ErrnoException(ErrnoException.EROFS, "copy-up", node.path());
    }
    if (node.layer() == upper.index()) {
      return node;
    }
    byte[] parentPath = MergedPath.parent(node.path());
    ensureUpper(stack.lookup(parentPath));
    byte[] name = MergedPath.name(node.path());
    Layer source = stack.layer(node.layer());
    try (Fd from = stack.dir(source.index(), node.layerParent()); Fd to = stack.dir(upper.index(), parentPath)) {
      Stat st = Attributes.statx(from, name);
      Stat parent = Attributes.statx(to);
      byte[] tmp = work.temporaryName();
      try {
        AttributeStore.Stored stored = source.attributes().read(from, name, st);
        int backing = upper.attributes().backingType(stored.type());
        build(from, name, st, stored, backing, tmp);
        copyAttributes(from, name, stored, backing, to, tmp);
        Entries.renameat2(work.fd(), tmp, to, name, 0);
      } catch (ErrnoException | RuntimeException e) {
        work.discard(tmp);
        throw e;
      }
      // a copy-up changes nothing the caller can see: the rename must not touch the parent's
      // times either (as the kernel overlay restores them)
      Attributes.utimensat(to, DOT, parent.atime(), parent.mtime());
    }
    Node copied = node.isDirectory() ? node.withUpper(upper.index())
        : new Node(node.path(), upper.index(), node.type(), new int[] {upper.index()});
    stack.remember(copied);
    return copied;
  }

  /** Makes the copy as a {@code backing} object: the data of a regular file, a symlink's target. */
  private void build(Fd from, byte[] name, Stat st, AttributeStore.Stored stored, int backing, byte[] tmp)
      throws ErrnoException {
    switch (backing) {
      case Stat.S_IFREG -> {
        if (st.type() != Stat.S_IFREG) {
          Entries.mknodat(work.fd(), tmp, Stat.S_IFREG | 0600, 0, 0); // a device kept as its override
          return;
        }
        try (Fd in = Open.openat(from, name, READ, 0);
            Fd out = Open.openat(work.fd(), tmp, OpenFlags.O_WRONLY | OpenFlags.O_CREAT
                | OpenFlags.O_EXCL | OpenFlags.O_NOFOLLOW | OpenFlags.O_CLOEXEC, 0600)) {
          FileData.copy(in, 0, out, 0, Long.MAX_VALUE);
        }
      }
      case Stat.S_IFDIR -> Entries.mkdirat(work.fd(), tmp, 0700);
      case Stat.S_IFLNK -> Entries.symlinkat(Entries.readlinkat(from, name), work.fd(), tmp);
      default -> Entries.mknodat(work.fd(), tmp, backing | 0600, stored.rdevMajor(), stored.rdevMinor());
    }
  }

  /**
   * Xattrs (with the ownership record), owner and mode, then times: the times last, since setting
   * anything else updates them. A lower layer's override (the image's own ids) becomes the copy's
   * stored owner and record.
   */
  private void copyAttributes(Fd from, byte[] name, AttributeStore.Stored stored, int backing, Fd to, byte[] tmp)
      throws ErrnoException {
    Stat st = stored.stat();
    long uid = stored.uid();
    long gid = stored.gid();
    TrueOwnerStore.Stored owned = null;
    if (stored.trueIds()) {
      RecordValue[] records = RecordStore.read(from, name, st.type());
      owned = owners.store(stored.uid(), stored.gid(), records[0], records[1]);
      uid = owned.uid();
      gid = owned.gid();
    }
    if (carriesOwnRecord(st.type())) {
      try (Fd src = Open.openat(from, name, OBJECT, 0); Fd dst = Open.openat(work.fd(), tmp, OBJECT, 0)) {
        for (byte[] xattr : Xattrs.list(src)) {
          if (isOverlayMetadata(xattr)) {
            continue;
          }
          byte[] value = Xattrs.getOrNull(src, xattr);
          if (value != null) {
            try {
              Xattrs.set(dst, xattr, value, 0);
            } catch (ErrnoException e) {
              if (e.errno() != ErrnoException.EOPNOTSUPP && e.errno() != ErrnoException.EPERM
                  && e.errno() != ErrnoException.EINVAL) {
                throw e; // security.* or trusted.* the file system refuses: dropped, as fuse-overlayfs
              }
            }
          }
        }
      }
    } else if (carriesOwnRecord(backing)) {
      // a device whose record was an entry of its parent, now a regular file carrying its own
      RecordValue[] records = RecordStore.read(from, name, st.type());
      RecordStore.writeNew(work.fd(), tmp, backing, records[0], records[1]);
    } else {
      RecordStore.copyEntry(from, name, to, name);
    }
    Stat made = Attributes.statx(work.fd(), tmp);
    int permissions = stored.type() == Stat.S_IFLNK ? -1 : stored.mode() & 07777;
    stack.upper().attributes().initialize(work.fd(), tmp, made, stored.type(), uid, gid, permissions,
        stored.rdevMajor(), stored.rdevMinor());
    if (owned != null) {
      RecordStore.write(work.fd(), tmp, backing, owned.uidRecord(), owned.gidRecord());
    }
    Attributes.utimensat(work.fd(), tmp, st.atime(), st.mtime());
  }

  private static boolean carriesOwnRecord(int type) {
    return type == Stat.S_IFREG || type == Stat.S_IFDIR;
  }

  /** Opacity and origin markers belong to the layer they are in, never to a copy. */
  private static boolean isOverlayMetadata(byte[] xattr) {
    String name = new String(xattr, StandardCharsets.ISO_8859_1);
    return HiddenXattrs.isHidden(name) && !name.startsWith("user.usernetes.");
  }
}
