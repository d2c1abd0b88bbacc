package io.usernetes.identity.ownership;

/** The kind of a file, and where its ownership record can live. */
public enum FileType {
  REGULAR,
  DIRECTORY,
  SYMLINK,
  FIFO,
  SOCKET,
  CHAR_DEVICE,
  BLOCK_DEVICE;

  private static final int S_IFMT = 0170000;

  public static FileType ofMode(int mode) {
    return switch (mode & S_IFMT) {
      case 0100000 -> REGULAR;
      case 0040000 -> DIRECTORY;
      case 0120000 -> SYMLINK;
      case 0010000 -> FIFO;
      case 0140000 -> SOCKET;
      case 0020000 -> CHAR_DEVICE;
      case 0060000 -> BLOCK_DEVICE;
      default -> throw new IllegalArgumentException("unknown file type in mode " + Integer.toOctalString(mode));
    };
  }

  /** Linux allows {@code user.*} xattrs only on regular files and directories. */
  public boolean carriesOwnRecord() {
    return this == REGULAR || this == DIRECTORY;
  }
}
