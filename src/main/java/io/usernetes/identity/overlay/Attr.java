package io.usernetes.identity.overlay;

import io.usernetes.identity.kernel.Timespec;

/**
 * The attributes getattr reports for a merged path, owner already translated. {@code linkKey} is
 * not reported: it is the backing inode every name of a hard-linked file in the writable layer
 * shares, 0 for everything else, so that the names of one file can be one kernel inode (a lower
 * file's names are not: a copy-up of one breaks the link, as on the kernel overlay).
 */
public record Attr(int mode, long nlink, long uid, long gid, long size, long blocks, int blockSize,
    int rdevMajor, int rdevMinor, long ino, Timespec atime, Timespec mtime, Timespec ctime,
    long linkKey) {

  public Attr withNlink(long links) {
    return new Attr(mode, links, uid, gid, size, blocks, blockSize, rdevMajor, rdevMinor, ino,
        atime, mtime, ctime, linkKey);
  }

  public Attr withIno(long inode) {
    return new Attr(mode, nlink, uid, gid, size, blocks, blockSize, rdevMajor, rdevMinor, inode,
        atime, mtime, ctime, linkKey);
  }
}
