package io.usernetes.identity.ownership;

import com.google.common.hash.Hashing;

/**
 * Names the parent-directory xattr that holds the record of a symlink or special file.
 *
 * <p>File names may be 255 bytes, longer than an xattr name can carry after the prefix, so the
 * name is hashed: the first 128 bits of SHA-256 of its raw bytes, in hex. A cryptographic hash,
 * because the container chooses the names and must not be able to make two entries share a record.
 */
public final class EntryRecordKey {
  private EntryRecordKey() {}

  public static String xattrName(byte[] entryName) {
    return OwnershipRecord.ENTRY_XATTR_PREFIX
        + Hashing.sha256().hashBytes(entryName).toString().substring(0, 32);
  }
}
