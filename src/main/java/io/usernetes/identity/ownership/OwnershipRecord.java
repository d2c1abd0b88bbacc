package io.usernetes.identity.ownership;

import io.usernetes.identity.idmap.Ids;
import java.nio.charset.StandardCharsets;
import java.util.OptionalLong;

/**
 * The on-disk record of a file's true (container) owner.
 *
 * <p>Regular files and directories carry {@value #UID_XATTR} and {@value #GID_XATTR} on the
 * backing file itself: decimal ASCII, no sign, padding or newline. Linux refuses {@code user.*}
 * xattrs on symlinks and special files, so their record lives beside them: in the parent's
 * directory {@value #ENTRY_DIRECTORY}, as an empty regular file named by a key derived from the
 * entry's name, whose xattr {@value #ENTRY_XATTR} is {@code UID:GID} (either may be empty: no
 * record for that id); see {@link EntryRecords}. One file per record, so a directory holds any
 * number of them (a directory's own xattrs get one 4 KiB block on ext4: about fifty records).
 * The name starts with {@code .wh.}, which overlay mounts never show and no container can
 * create. A record is only written where the host owner alone would not tell the true owner.
 *
 * <p>Records in a layer are data from the outside: anything not in exactly this form is corrupt
 * and is never trusted.
 */
public final class OwnershipRecord {
  public static final String UID_XATTR = "user.usernetes.uid";
  public static final String GID_XATTR = "user.usernetes.gid";
  public static final String ENTRY_DIRECTORY = ".wh..wh.usernetes";
  public static final String ENTRY_XATTR = "user.usernetes.entry";
  /** Every xattr of this project starts with this; the mount hides the whole namespace. */
  public static final String NAMESPACE = "user.usernetes.";

  private OwnershipRecord() {}

  /** Parses one id value; empty if it is not exactly a decimal id. */
  public static OptionalLong parseId(byte[] value) {
    if (value.length > 10) {
      return OptionalLong.empty();
    }
    return Ids.parse(new String(value, StandardCharsets.ISO_8859_1));
  }

  public static byte[] formatId(long id) {
    return Long.toString(id).getBytes(StandardCharsets.US_ASCII);
  }

  /** Formats an entry value {@code UID:GID}; an id without a record is left empty. */
  public static byte[] formatEntry(RecordValue uid, RecordValue gid) {
    return ((uid.isValid() ? Long.toString(uid.id()) : "") + ":"
        + (gid.isValid() ? Long.toString(gid.id()) : "")).getBytes(StandardCharsets.US_ASCII);
  }
}
