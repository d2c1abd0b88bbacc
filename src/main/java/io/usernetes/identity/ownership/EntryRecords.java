package io.usernetes.identity.ownership;

import com.google.common.hash.Hashing;
import io.usernetes.identity.kernel.ErrnoException;
import io.usernetes.identity.kernel.Fd;
import io.usernetes.identity.kernel.Open;
import io.usernetes.identity.kernel.OpenFlags;
import io.usernetes.identity.kernel.Xattrs;
import java.nio.charset.StandardCharsets;

/**
 * Where the record of a symlink or special file lives (see {@link OwnershipRecord}): an empty
 * regular file in the parent's {@value OwnershipRecord#ENTRY_DIRECTORY} directory, named by the
 * entry's key, whose {@value OwnershipRecord#ENTRY_XATTR} xattr holds {@code UID:GID}.
 *
 * <p>File names may be 255 bytes and any bytes, so the key is a hash: the first 128 bits of
 * SHA-256 of the raw name, in hex. A cryptographic hash, because the container chooses the names
 * and must not be able to make two entries share a record.
 */
public final class EntryRecords {
  public static final byte[] DIRECTORY = OwnershipRecord.ENTRY_DIRECTORY.getBytes(StandardCharsets.US_ASCII);
  public static final byte[] XATTR = OwnershipRecord.ENTRY_XATTR.getBytes(StandardCharsets.US_ASCII);
  private static final int DIRECTORY_FLAGS = OpenFlags.O_PATH | OpenFlags.O_DIRECTORY | OpenFlags.O_NOFOLLOW
      | OpenFlags.O_CLOEXEC;

  private EntryRecords() {}

  /** The name of the record file of entry {@code entryName}. */
  public static byte[] key(byte[] entryName) {
    return Hashing.sha256().hashBytes(entryName).toString().substring(0, 32).getBytes(StandardCharsets.US_ASCII);
  }

  /** The entries directory of {@code parent}; {@code ENOENT} when it has none. */
  public static Fd directory(Fd parent) throws ErrnoException {
    return Open.openat(parent, DIRECTORY, DIRECTORY_FLAGS, 0);
  }

  /** The record value of entry {@code name} in {@code parent}, or null when it has none. */
  public static byte[] read(Fd parent, byte[] name) throws ErrnoException {
    try (Fd entries = directory(parent)) {
      return Xattrs.getAtOrNull(entries, key(name), XATTR);
    } catch (ErrnoException e) {
      if (e.errno() == ErrnoException.ENOENT || e.errno() == ErrnoException.ENOTSUP) {
        return null; // no entries directory, no record file, or no user xattrs at all
      }
      throw e;
    }
  }
}
