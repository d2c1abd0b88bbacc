package io.usernetes.identity.kernel;

import static io.usernetes.identity.kernel.OpenFlags.O_DIRECTORY;
import static io.usernetes.identity.kernel.OpenFlags.O_RDONLY;
import static io.usernetes.identity.kernel.Syscall.cString;
import static io.usernetes.identity.kernel.Syscall.interrupted;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The names in directories: creating, linking, renaming and removing them, reading symlinks,
 * and listing a directory. Names are taken relative to a directory descriptor, and none of
 * these calls follows a symlink that is the last component.
 */
public final class Entries {
  /** {@link #renameat2}: fail with {@code EEXIST} instead of replacing the new name. */
  public static final int RENAME_NOREPLACE = 1;
  /** {@link #renameat2}: swap the two names atomically; both must exist. */
  public static final int RENAME_EXCHANGE = 2;
  /** {@link #renameat2}: leave an overlay whiteout (a 0/0 character device) at the old name. */
  public static final int RENAME_WHITEOUT = 4;
  /** {@link #unlinkat}: remove a directory, which must be empty. */
  public static final int AT_REMOVEDIR = 0x200;

  private static final int FIRST_READLINK_BUFFER = 256;
  private static final int GETDENTS_BUFFER = 32 * 1024;
  private static final byte[] DOT = {'.'};

  private Entries() {}

  /** {@code mkdirat(2)}; {@code mode} is reduced by the umask. */
  public static void mkdirat(Fd dir, byte[] name, int mode) throws ErrnoException {
    int d = dir.number();
    byte[] path = cString("mkdirat", name);
    int r;
    do {
      r = LibC.mkdirat(d, path, mode);
    } while (interrupted(r));
    if (r == -1) {
      throw Syscall.failure("mkdirat", name);
    }
  }

  /**
   * {@code mknodat(2)}: {@code mode} carries the file type ({@code Stat.S_IFCHR},
   * {@code S_IFBLK}, {@code S_IFIFO}, {@code S_IFSOCK}, {@code S_IFREG}) and the permissions;
   * the device numbers matter for character and block devices only.
   */
  public static void mknodat(Fd dir, byte[] name, int mode, int major, int minor) throws ErrnoException {
    int d = dir.number();
    byte[] path = cString("mknodat", name);
    long dev = makedev(major, minor);
    int r;
    do {
      r = LibC.mknodat(d, path, mode, dev);
    } while (interrupted(r));
    if (r == -1) {
      throw Syscall.failure("mknodat", name);
    }
  }

  /** A FIFO, made with {@code mknodat(S_IFIFO | mode)} as {@code mkfifoat(3)} does. */
  public static void mkfifoat(Fd dir, byte[] name, int mode) throws ErrnoException {
    mknodat(dir, name, Stat.S_IFIFO | (mode & 07777), 0, 0);
  }

  /** glibc's {@code makedev}: 12+20 bits of major, 8+24 bits of minor, interleaved. */
  private static long makedev(int major, int minor) {
    long ma = Integer.toUnsignedLong(major);
    long mi = Integer.toUnsignedLong(minor);
    return ((ma & 0xfffff000L) << 32) | ((ma & 0xfffL) << 8) | ((mi & 0xffffff00L) << 12) | (mi & 0xffL);
  }

  /** {@code symlinkat(2)}: {@code name} in {@code dir} becomes a symlink whose content is {@code target}. */
  public static void symlinkat(byte[] target, Fd dir, byte[] name) throws ErrnoException {
    int d = dir.number();
    byte[] t = cString("symlinkat", target);
    byte[] path = cString("symlinkat", name);
    int r;
    do {
      r = LibC.symlinkat(t, d, path);
    } while (interrupted(r));
    if (r == -1) {
      throw Syscall.failure("symlinkat", target, name);
    }
  }

  /** {@code linkat(2)} without {@code AT_SYMLINK_FOLLOW}: a symlink is linked itself. */
  public static void linkat(Fd oldDir, byte[] oldName, Fd newDir, byte[] newName) throws ErrnoException {
    int od = oldDir.number();
    int nd = newDir.number();
    byte[] o = cString("linkat", oldName);
    byte[] n = cString("linkat", newName);
    int r;
    do {
      r = LibC.linkat(od, o, nd, n, 0);
    } while (interrupted(r));
    if (r == -1) {
      throw Syscall.failure("linkat", oldName, newName);
    }
  }

  /**
   * {@code renameat2(2)}.
   *
   * @param flags 0, {@link #RENAME_NOREPLACE}, {@link #RENAME_EXCHANGE} or {@link #RENAME_WHITEOUT}
   *     (the last may be combined with {@code RENAME_NOREPLACE})
   */
  public static void renameat2(Fd oldDir, byte[] oldName, Fd newDir, byte[] newName, int flags)
      throws ErrnoException {
    int od = oldDir.number();
    int nd = newDir.number();
    byte[] o = cString("renameat2", oldName);
    byte[] n = cString("renameat2", newName);
    int r;
    do {
      r = LibC.renameat2(od, o, nd, n, flags);
    } while (interrupted(r));
    if (r == -1) {
      throw Syscall.failure("renameat2", oldName, newName);
    }
  }

  /** {@code unlinkat(2)}: removes a name, or with {@link #AT_REMOVEDIR} an empty directory. */
  public static void unlinkat(Fd dir, byte[] name, int flags) throws ErrnoException {
    int d = dir.number();
    byte[] path = cString("unlinkat", name);
    int r;
    do {
      r = LibC.unlinkat(d, path, flags);
    } while (interrupted(r));
    if (r == -1) {
      throw Syscall.failure("unlinkat", name);
    }
  }

  /**
   * The exact content of the symlink {@code name}; with an empty name, of the symlink
   * {@code dir} itself refers to (an {@code O_PATH} descriptor). Not a symlink: {@code EINVAL}.
   */
  public static byte[] readlinkat(Fd dir, byte[] name) throws ErrnoException {
    int d = dir.number();
    byte[] path = cString("readlinkat", name);
    byte[] buf = new byte[FIRST_READLINK_BUFFER];
    while (true) {
      long n;
      do {
        n = LibC.readlinkat(d, path, buf, buf.length);
      } while (interrupted(n));
      if (n == -1) {
        throw Syscall.failure("readlinkat", name);
      }
      if (n < buf.length) {
        return Arrays.copyOf(buf, (int) n);
      }
      buf = new byte[buf.length * 2]; // filled the buffer: the content may have been cut
    }
  }

  /**
   * Every name in the directory {@code dir} but {@code .} and {@code ..}, in the file system's
   * order, read with {@code getdents64(2)}.
   *
   * <p>The listing reads through a descriptor of its own ({@code openat(dir, ".")}), not through
   * {@code dir}: a directory's read position belongs to its open file description, so listing
   * through {@code dir} itself (or a {@code dup} of it, as {@code fdopendir} needs) would make
   * two threads listing the same directory steal each other's entries. This also makes an
   * {@code O_PATH} directory descriptor listable.
   */
  public static List<DirEntry> list(Fd dir) throws ErrnoException {
    return list(dir, false);
  }

  /**
   * Like {@link #list(Fd)}; with {@code noAtime}, reading leaves the directory's access time
   * alone ({@code O_NOATIME}, where the caller owns the directory or has {@code CAP_FOWNER}; else
   * as without), for listings the caller reads on its own behalf rather than for a reader's.
   */
  public static List<DirEntry> list(Fd dir, boolean noAtime) throws ErrnoException {
    List<DirEntry> entries = new ArrayList<>();
    Fd opened;
    try {
      opened = Open.openat(dir, DOT, O_RDONLY | O_DIRECTORY | (noAtime ? OpenFlags.O_NOATIME : 0), 0);
    } catch (ErrnoException e) {
      if (!noAtime || e.errno() != ErrnoException.EPERM) {
        throw e;
      }
      opened = Open.openat(dir, DOT, O_RDONLY | O_DIRECTORY, 0);
    }
    try (Fd own = opened) {
      int fd = own.number();
      byte[] buf = new byte[GETDENTS_BUFFER];
      while (true) {
        long n;
        do {
          n = LibC.getdents64(fd, buf, buf.length);
        } while (interrupted(n));
        if (n == -1) {
          throw Syscall.failure("getdents64(fd " + fd + ")");
        }
        if (n == 0) {
          return entries;
        }
        decode(buf, (int) n, entries);
      }
    }
  }

  /** {@code struct linux_dirent64}: u64 d_ino, s64 d_off, u16 d_reclen, u8 d_type, char d_name[]. */
  private static void decode(byte[] buf, int length, List<DirEntry> entries) {
    for (int at = 0; at < length; at += Layout.u16(buf, at + 16)) {
      int start = at + 19;
      int end = start;
      while (buf[end] != 0) {
        end++;
      }
      int nameLength = end - start;
      boolean dots = buf[start] == '.' && (nameLength == 1 || (nameLength == 2 && buf[start + 1] == '.'));
      if (!dots) {
        entries.add(new DirEntry(Arrays.copyOfRange(buf, start, end), Layout.s64(buf, at), buf[at + 18] & 0xff));
      }
    }
  }
}
