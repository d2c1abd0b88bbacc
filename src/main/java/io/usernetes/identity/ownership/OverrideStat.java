package io.usernetes.identity.ownership;

import io.usernetes.identity.idmap.Ids;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * containers-storage's override of an object's owner and mode, {@code UID:GID:OCTAL-MODE[:TYPE]}
 * (as {@code user.containers.override_stat}; the mount keeps it per layer in layers.AttributeStore): the owner and mode the
 * object really has. TYPE is {@code file}, {@code dir}, {@code symlink}, {@code pipe}, {@code
 * socket}, or {@code block-MAJ-MIN}/{@code char-MAJ-MIN}; without it the backing object's own
 * type stands. Untrusted input: anything else is ignored.
 */
public record OverrideStat(long uid, long gid, int mode, int rdevMajor, int rdevMinor) {
  public static final String XATTR = "user.containers.override_stat";

  private static final int S_IFMT = 0170000;
  private static final int S_IFCHR = 0020000;
  private static final int S_IFBLK = 0060000;

  public OverrideStat(long uid, long gid, int mode) {
    this(uid, gid, mode, 0, 0);
  }

  /** Parses a value; {@code fileTypeBits} is the backing file's own type, kept unless TYPE says. */
  public static Optional<OverrideStat> parse(byte[] value, int fileTypeBits) {
    String text = new String(value, StandardCharsets.ISO_8859_1);
    String[] f = text.split(":", -1);
    if (f.length < 3 || f.length > 4) {
      return Optional.empty();
    }
    OptionalLong uid = Ids.parse(f[0]);
    OptionalLong gid = Ids.parse(f[1]);
    if (uid.isEmpty() || gid.isEmpty() || f[2].isEmpty() || f[2].length() > 7
        || !f[2].chars().allMatch(c -> c >= '0' && c <= '7')) {
      return Optional.empty();
    }
    int permissions = Integer.parseInt(f[2], 8) & 07777;
    if (f.length == 3) {
      return Optional.of(new OverrideStat(uid.getAsLong(), gid.getAsLong(), (fileTypeBits & S_IFMT) | permissions));
    }
    String[] type = f[3].split("-", -1);
    Integer bits = typeBits(type[0]);
    boolean device = bits != null && (bits == S_IFCHR || bits == S_IFBLK);
    if (bits == null || type.length != (device ? 3 : 1)) {
      return Optional.empty();
    }
    if (!device) {
      return Optional.of(new OverrideStat(uid.getAsLong(), gid.getAsLong(), bits | permissions));
    }
    OptionalLong major = Ids.parse(type[1]);
    OptionalLong minor = Ids.parse(type[2]);
    if (major.isEmpty() || minor.isEmpty() || major.getAsLong() > 0xfff || minor.getAsLong() > 0xfffff) {
      return Optional.empty();
    }
    return Optional.of(new OverrideStat(uid.getAsLong(), gid.getAsLong(), bits | permissions,
        (int) major.getAsLong(), (int) minor.getAsLong()));
  }

  /** The value in containers-storage's own form, with the type always named. */
  public byte[] format() {
    String type = switch (mode & S_IFMT) {
      case 0100000 -> "file";
      case 0040000 -> "dir";
      case 0120000 -> "symlink";
      case 0010000 -> "pipe";
      case 0140000 -> "socket";
      case S_IFBLK -> "block-" + rdevMajor + "-" + rdevMinor;
      case S_IFCHR -> "char-" + rdevMajor + "-" + rdevMinor;
      default -> throw new IllegalStateException("no file type in mode " + Integer.toOctalString(mode));
    };
    return String.format("%d:%d:%04o:%s", uid, gid, mode & 07777, type).getBytes(StandardCharsets.US_ASCII);
  }

  private static Integer typeBits(String type) {
    return switch (type) {
      case "file" -> 0100000;
      case "dir" -> 0040000;
      case "symlink" -> 0120000;
      case "pipe" -> 0010000;
      case "socket" -> 0140000;
      case "block" -> S_IFBLK;
      case "char" -> S_IFCHR;
      default -> null;
    };
  }
}
