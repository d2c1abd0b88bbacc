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
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

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
  private static final byte[] OVERRIDE = OverrideStat.XATTR.getBytes(StandardCharsets.US_ASCII);

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
    try (Fd from = stack.dir(source.index(), parentPath); Fd to = stack.dir(upper.index(), parentPath)) {
      Stat st = Attributes.statx(from, name);
      Stat parent = Attributes.statx(to);
      byte[] tmp = work.temporaryName();
      try {
        build(from, name, st, tmp);
        copyAttributes(from, name, st, to, tmp, source.usesOverrideStat());
        Entries.renameat2(work.fd(), tmp, to, name, 0);
      } catch (ErrnoException | RuntimeException e) {
        work.discard(tmp);
        throw e;
      }
      // a copy-up changes nothing the caller can see: the rename must not touch the parent's
      // times either (as the kernel overlay restores them)
      Attributes.utimensat(to, DOT, parent.atime(), parent.mtime());
    }
    int[] dirLayers = node.isDirectory() ? prepend(upper.index(), node.dirLayers()) : new int[] {upper.index()};
    Node copied = new Node(node.path(), upper.index(), node.type(), dirLayers);
    stack.remember(copied);
    return copied;
  }

  private void build(Fd from, byte[] name, Stat st, byte[] tmp) throws ErrnoException {
    switch (st.type()) {
      case Stat.S_IFREG -> {
        try (Fd in = Open.openat(from, name, READ, 0);
            Fd out = Open.openat(work.fd(), tmp, OpenFlags.O_WRONLY | OpenFlags.O_CREAT
                | OpenFlags.O_EXCL | OpenFlags.O_NOFOLLOW | OpenFlags.O_CLOEXEC, 0600)) {
          FileData.copy(in, 0, out, 0, Long.MAX_VALUE);
        }
      }
      case Stat.S_IFDIR -> Entries.mkdirat(work.fd(), tmp, 0700);
      case Stat.S_IFLNK -> Entries.symlinkat(Entries.readlinkat(from, name), work.fd(), tmp);
      default -> Entries.mknodat(work.fd(), tmp, st.mode(), st.rdevMajor(), st.rdevMinor());
    }
  }

  /**
   * Owner, mode, xattrs (with the ownership record) and times, in that order: the times last,
   * since setting anything else updates them. An override_stat of the lower layer becomes the
   * real owner and mode of the copy.
   */
  private void copyAttributes(Fd from, byte[] name, Stat st, Fd to, byte[] tmp, boolean override)
      throws ErrnoException {
    long uid = st.uid();
    long gid = st.gid();
    int mode = st.permissions();
    TrueOwnerStore.Stored overridden = null;
    if (st.type() == Stat.S_IFREG || st.type() == Stat.S_IFDIR) {
      try (Fd src = Open.openat(from, name, OBJECT, 0); Fd dst = Open.openat(work.fd(), tmp, OBJECT, 0)) {
        for (byte[] xattr : Xattrs.list(src)) {
          if (isOverlayMetadata(xattr)) {
            continue;
          }
          if (override && Arrays.equals(xattr, OVERRIDE)) {
            OverrideStat o = OverrideStat.parse(Xattrs.get(src, xattr), st.mode()).orElse(null);
            if (o != null) {
              overridden = owners.store(o.uid(), o.gid());
              uid = overridden.uid();
              gid = overridden.gid();
              mode = o.mode() & 07777;
            }
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
    } else {
      RecordStore.copyEntry(from, name, to, name);
    }
    Attributes.fchownat(work.fd(), tmp, uid, gid);
    if (overridden != null) {
      RecordStore.write(work.fd(), tmp, st.type(), overridden.uidRecord(), overridden.gidRecord());
    }
    if (st.type() != Stat.S_IFLNK) {
      Attributes.fchmodat(work.fd(), tmp, mode);
    }
    Attributes.utimensat(work.fd(), tmp, st.atime(), st.mtime());
  }

  /** Opacity and origin markers belong to the layer they are in, never to a copy. */
  private static boolean isOverlayMetadata(byte[] xattr) {
    String name = new String(xattr, StandardCharsets.ISO_8859_1);
    return HiddenXattrs.isHidden(name) && !name.startsWith("user.usernetes.");
  }

  private static int[] prepend(int first, int[] rest) {
    int[] all = new int[rest.length + 1];
    all[0] = first;
    System.arraycopy(rest, 0, all, 1, rest.length);
    return all;
  }
}
