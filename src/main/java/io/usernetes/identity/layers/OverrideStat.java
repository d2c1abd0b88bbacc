package io.usernetes.identity.layers;

import io.usernetes.identity.idmap.Ids;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * {@code user.containers.override_stat}, written by containers-storage (with {@code force_mask})
 * on lower-layer files: {@code UID:GID:OCTAL-MODE[:TYPE]}, the owner and mode the file really has.
 * TYPE is {@code file}, {@code dir}, {@code symlink}, {@code pipe}, {@code socket}, or {@code
 * block-MAJ-MIN}/{@code char-MAJ-MIN}. Untrusted input: anything else is ignored.
 */
public record OverrideStat(long uid, long gid, int mode) {
  public static final String XATTR = "user.containers.override_stat";

  private static final int S_IFMT = 0170000;

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
    int type = fileTypeBits & S_IFMT;
    if (f.length == 4) {
      Integer t = typeBits(f[3]);
      if (t == null) {
        return Optional.empty();
      }
      type = t;
    }
    return Optional.of(new OverrideStat(uid.getAsLong(), gid.getAsLong(), type | permissions));
  }

  private static Integer typeBits(String type) {
    if (type.startsWith("block-")) {
      return 0060000;
    }
    if (type.startsWith("char-")) {
      return 0020000;
    }
    return switch (type) {
      case "file" -> 0100000;
      case "dir" -> 0040000;
      case "symlink" -> 0120000;
      case "pipe" -> 0010000;
      case "socket" -> 0140000;
      default -> null;
    };
  }
}
