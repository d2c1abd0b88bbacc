package io.usernetes.identity.fuse;

import io.usernetes.identity.kernel.Timespec;
import io.usernetes.identity.overlay.Attr;
import java.util.Locale;
import jnr.ffi.Pointer;

/**
 * Where glibc's {@code struct stat} keeps each field on the architectures the kernel binding
 * supports: x86_64's own layout and aarch64's generic one. {@link #fill} writes every field libfuse
 * sends the kernel (the rest it ignores); the readers take what a setattr asks for.
 */
final class StatLayout {
  private static final StatLayout X86_64 = new StatLayout(144, 16, 8, 24, 28, 32, 40, 48, 56, 8, 64, 72);
  private static final StatLayout AARCH64 = new StatLayout(128, 20, 4, 16, 24, 28, 32, 48, 56, 4, 64, 72);

  /** {@code sizeof(struct stat)}. */
  final int structSize;

  private final long nlink;
  private final int nlinkSize;
  private final long ino = 8;
  private final long mode;
  private final long uid;
  private final long gid;
  private final long rdev;
  private final long size;
  private final long blksize;
  private final int blksizeSize;
  private final long blocks;
  private final long atim;

  private StatLayout(int structSize, long nlink, int nlinkSize, long mode, long uid, long gid,
      long rdev, long size, long blksize, int blksizeSize, long blocks, long atim) {
    this.structSize = structSize;
    this.nlink = nlink;
    this.nlinkSize = nlinkSize;
    this.mode = mode;
    this.uid = uid;
    this.gid = gid;
    this.rdev = rdev;
    this.size = size;
    this.blksize = blksize;
    this.blksizeSize = blksizeSize;
    this.blocks = blocks;
    this.atim = atim;
  }

  /** The layout of this JVM's architecture (the kernel binding's: Linux on x86-64 or AArch64). */
  static StatLayout current() {
    String arch = System.getProperty("os.arch").toLowerCase(Locale.ROOT);
    return switch (arch) {
      case "amd64", "x86_64" -> X86_64;
      case "aarch64" -> AARCH64;
      default -> throw new UnsupportedOperationException("no struct stat layout for " + arch);
    };
  }

  int mode(Pointer st) {
    return st.getInt(mode);
  }

  long uid(Pointer st) {
    return st.getInt(uid) & 0xFFFF_FFFFL;
  }

  long gid(Pointer st) {
    return st.getInt(gid) & 0xFFFF_FFFFL;
  }

  long size(Pointer st) {
    return st.getLong(size);
  }

  Timespec atime(Pointer st) {
    return new Timespec(st.getLong(atim), (int) st.getLong(atim + 8));
  }

  Timespec mtime(Pointer st) {
    return new Timespec(st.getLong(atim + 16), (int) st.getLong(atim + 24));
  }

  /** What a directory entry carries: an unknown inode number, and the type bits only. */
  void fillEntry(Pointer st, long inode, int type) {
    st.putLong(ino, inode);
    st.putInt(mode, type);
  }

  void fill(Pointer st, Attr a) {
    st.putLong(ino, a.ino());
    if (nlinkSize == 8) {
      st.putLong(nlink, a.nlink());
    } else {
      st.putInt(nlink, (int) a.nlink());
    }
    st.putInt(mode, a.mode());
    st.putInt(uid, (int) a.uid());
    st.putInt(gid, (int) a.gid());
    st.putLong(rdev, Devices.make(a.rdevMajor(), a.rdevMinor()));
    st.putLong(size, a.size());
    if (blksizeSize == 8) {
      st.putLong(blksize, a.blockSize());
    } else {
      st.putInt(blksize, a.blockSize());
    }
    st.putLong(blocks, a.blocks());
    st.putLong(atim, a.atime().seconds());
    st.putLong(atim + 8, a.atime().nanos());
    st.putLong(atim + 16, a.mtime().seconds());
    st.putLong(atim + 24, a.mtime().nanos());
    st.putLong(atim + 32, a.ctime().seconds());
    st.putLong(atim + 40, a.ctime().nanos());
  }
}
