package io.usernetes.identity.layers;

import io.usernetes.identity.kernel.Attributes;
import io.usernetes.identity.kernel.ErrnoException;
import io.usernetes.identity.kernel.Fd;
import io.usernetes.identity.kernel.Stat;
import io.usernetes.identity.kernel.Xattrs;
import io.usernetes.identity.ownership.OverrideStat;
import java.nio.charset.StandardCharsets;

/**
 * Where one layer keeps the owner and mode of its objects: on the objects themselves, or — as
 * containers-storage stores layers with {@code force_mask} — in an override xattr ({@link
 * OverrideStat}), the backing objects staying the storage user's.
 *
 * <p>A lower layer keeps overrides when its root carries one: containers-storage wrote the layer
 * that way, with the image's own (true) ids. The upper layer keeps them only when the mount was
 * told so ({@code xattr_permissions=1|2}, which containers-storage passes with {@code
 * force_mask}), never because of what the layer says of itself: the override is an owner and a
 * mode, so believing one the mount did not ask for would let whoever wrote it make a setuid-root
 * file. There it holds what the mount would have chowned the object to (the pool id), the
 * ownership record beside it keeping the true id, exactly as for a backing object's own owner.
 *
 * <p>Linux allows {@code user.*} xattrs only on regular files and directories: in an upper layer
 * that keeps overrides a new device, FIFO or socket is made as an empty regular file whose
 * override names its type (containers-storage's own form for them), and symlinks keep their own
 * owner.
 */
public final class AttributeStore {
  private static final int S_IXGRP = 0010;
  private static final int SETID = 06000;

  /** Owner and mode on the objects themselves. */
  public static final AttributeStore OWN = new AttributeStore(null, false);

  private final byte[] xattr;
  private final boolean trueIds;

  private AttributeStore(byte[] xattr, boolean trueIds) {
    this.xattr = xattr;
    this.trueIds = trueIds;
  }

  /** A lower layer containers-storage stored with overrides in {@code xattr}. */
  static AttributeStore lower(String xattr) {
    return new AttributeStore(xattr.getBytes(StandardCharsets.US_ASCII), true);
  }

  /** The upper layer of a mount told to keep owner and mode in {@code xattr}. */
  static AttributeStore upper(String xattr) {
    return new AttributeStore(xattr.getBytes(StandardCharsets.US_ASCII), false);
  }

  public boolean overrides() {
    return xattr != null;
  }

  /**
   * An object's owner, mode and device as stored: its override where there is a well-formed
   * one, else its own. {@code trueIds}: the ids are the image's own (a lower layer's override),
   * not stored ids to translate.
   */
  public record Stored(Stat stat, int mode, long uid, long gid, int rdevMajor, int rdevMinor, boolean trueIds) {
    public int type() {
      return mode & Stat.S_IFMT;
    }
  }

  public Stored read(Fd dir, byte[] name) throws ErrnoException {
    return read(dir, name, Attributes.statx(dir, name));
  }

  /** Like {@link #read(Fd, byte[])} for an object already stat'ed as {@code st}. */
  public Stored read(Fd dir, byte[] name, Stat st) throws ErrnoException {
    OverrideStat o = override(dir, name, st.type(), st.mode());
    return o == null
        ? new Stored(st, st.mode(), st.uid(), st.gid(), st.rdevMajor(), st.rdevMinor(), false)
        : new Stored(st, o.mode(), o.uid(), o.gid(), o.rdevMajor(), o.rdevMinor(), trueIds);
  }

  /** Whether {@code name} has an override (a well-formed one) here. */
  public boolean hasOverride(Fd dir, byte[] name, Stat st) throws ErrnoException {
    return override(dir, name, st.type(), st.mode()) != null;
  }

  private OverrideStat override(Fd dir, byte[] name, int backingType, int backingMode) throws ErrnoException {
    if (!keeps(backingType)) {
      return null;
    }
    byte[] value = Xattrs.getAtOrNull(dir, name, xattr);
    return value == null ? null : OverrideStat.parse(value, backingMode).orElse(null);
  }

  /** Whether an object whose backing type is {@code backingType} keeps its owner and mode in an override. */
  private boolean keeps(int backingType) {
    return xattr != null && (backingType == Stat.S_IFREG || backingType == Stat.S_IFDIR);
  }

  /** The type of the backing object a new object of {@code type} is made as. */
  public int backingType(int type) {
    return xattr != null && type != Stat.S_IFREG && type != Stat.S_IFDIR && type != Stat.S_IFLNK
        ? Stat.S_IFREG : type;
  }

  /**
   * Gives a new object (still in the work directory, backing {@code st}) its owner and mode:
   * {@code type} is what it stands for, {@code permissions} -1 for a symlink, whose mode is fixed.
   */
  public void initialize(Fd dir, byte[] name, Stat st, int type, long uid, long gid, int permissions,
      int rdevMajor, int rdevMinor) throws ErrnoException {
    if (keeps(st.type())) {
      write(dir, name, new OverrideStat(uid, gid, type | permissions, rdevMajor, rdevMinor));
      // the backing object stays the storage user's, fully its own and nobody else's more than
      // the object itself allows; never with set-id bits
      int backing = 0700 | (permissions & 0777);
      if (backing != st.permissions()) {
        Attributes.fchmodat(dir, name, backing);
      }
      return;
    }
    boolean chowned = uid != st.uid() || gid != st.gid();
    if (chowned) {
      Attributes.fchownat(dir, name, uid, gid);
    }
    // a chown clears set-id bits, so the mode comes after it; a mode the object already has
    // (a file created with its final permissions) needs no call
    if (permissions >= 0 && (permissions != st.permissions() || chowned && (permissions & SETID) != 0)) {
      Attributes.fchmodat(dir, name, permissions);
    }
  }

  /** Changes the owner ({@link Attributes#UNCHANGED} keeps an id) of an object of this layer. */
  public void chown(Fd dir, byte[] name, int backingType, long uid, long gid) throws ErrnoException {
    if (!keeps(backingType)) {
      Attributes.fchownat(dir, name, uid, gid);
      return;
    }
    Stored s = read(dir, name);
    int permissions = s.mode() & 07777;
    if (s.type() != Stat.S_IFDIR) {
      // what the kernel does on a chown of anything but a directory
      permissions &= (permissions & S_IXGRP) != 0 ? ~SETID : ~04000;
    }
    write(dir, name, new OverrideStat(uid == Attributes.UNCHANGED ? s.uid() : uid,
        gid == Attributes.UNCHANGED ? s.gid() : gid, s.type() | permissions, s.rdevMajor(), s.rdevMinor()));
  }

  /** Changes the permission bits of an object of this layer. */
  public void chmod(Fd dir, byte[] name, int backingType, int permissions) throws ErrnoException {
    if (!keeps(backingType)) {
      Attributes.fchmodat(dir, name, permissions);
      return;
    }
    Stored s = read(dir, name);
    write(dir, name, new OverrideStat(s.uid(), s.gid(), s.type() | permissions, s.rdevMajor(), s.rdevMinor()));
  }

  private void write(Fd dir, byte[] name, OverrideStat value) throws ErrnoException {
    if (trueIds) {
      throw new IllegalStateException("a lower layer's overrides are never written");
    }
    Xattrs.setAt(dir, name, xattr, value.format(), 0);
  }
}
