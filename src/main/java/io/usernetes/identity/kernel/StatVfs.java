package io.usernetes.identity.kernel;

/**
 * What {@code statvfs(3)} says about a file system: the fields FUSE's {@code statfs} reports.
 * Block counts are in units of {@code fragmentSize}.
 */
public record StatVfs(
    long blockSize,
    long fragmentSize,
    long blocks,
    long blocksFree,
    long blocksAvailable,
    long files,
    long filesFree,
    long filesAvailable,
    long fsid,
    long flags,
    long nameMax) {

  /** The same figures with another longest-name limit. */
  public StatVfs withNameMax(long limit) {
    return new StatVfs(blockSize, fragmentSize, blocks, blocksFree, blocksAvailable, files,
        filesFree, filesAvailable, fsid, flags, limit);
  }

  /** glibc's {@code struct statvfs} on LP64 (x86_64 and aarch64): eleven longs and spare ints. */
  static final int SIZE = 112;

  static StatVfs decode(byte[] s) {
    return new StatVfs(
        Layout.s64(s, 0), Layout.s64(s, 8), Layout.s64(s, 16), Layout.s64(s, 24), Layout.s64(s, 32),
        Layout.s64(s, 40), Layout.s64(s, 48), Layout.s64(s, 56), Layout.s64(s, 64), Layout.s64(s, 72),
        Layout.s64(s, 80));
  }
}
