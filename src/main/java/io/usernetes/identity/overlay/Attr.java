package io.usernetes.identity.overlay;

import io.usernetes.identity.kernel.Timespec;

/** The attributes getattr reports for a merged path, owner already translated. */
public record Attr(int mode, long nlink, long uid, long gid, long size, long blocks, int blockSize,
    int rdevMajor, int rdevMinor, long ino, Timespec atime, Timespec mtime, Timespec ctime) {

  public Attr withNlink(long links) {
    return new Attr(mode, links, uid, gid, size, blocks, blockSize, rdevMajor, rdevMinor, ino,
        atime, mtime, ctime);
  }

  public Attr withIno(long inode) {
    return new Attr(mode, nlink, uid, gid, size, blocks, blockSize, rdevMajor, rdevMinor, inode,
        atime, mtime, ctime);
  }
}
