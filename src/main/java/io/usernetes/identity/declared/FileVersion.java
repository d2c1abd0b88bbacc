package io.usernetes.identity.declared;

import io.usernetes.identity.kernel.Stat;
import io.usernetes.identity.kernel.Timespec;

/**
 * What tells, for the price of one {@code statx}, that a file may have changed since it was read:
 * its device, inode, modification time and size. A rewrite in place changes the time or the size,
 * a file renamed into place (as {@code useradd} does) the inode. {@link #NONE} stands for a name
 * that is absent or cannot be looked at. The supervisor and the mount both read account files
 * again when theirs changes.
 */
public record FileVersion(int devMajor, int devMinor, long ino, Timespec mtime, long size) {
  public static final FileVersion NONE = new FileVersion(0, 0, 0, new Timespec(0, 0), -1);

  public static FileVersion of(Stat st) {
    return new FileVersion(st.devMajor(), st.devMinor(), st.ino(), st.mtime(), st.size());
  }
}
