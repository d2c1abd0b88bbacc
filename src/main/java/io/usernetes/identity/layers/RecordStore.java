package io.usernetes.identity.layers;

import io.usernetes.identity.kernel.ErrnoException;
import io.usernetes.identity.kernel.Fd;
import io.usernetes.identity.kernel.Open;
import io.usernetes.identity.kernel.OpenFlags;
import io.usernetes.identity.kernel.Xattrs;
import io.usernetes.identity.ownership.EntryRecordKey;
import io.usernetes.identity.ownership.FileType;
import io.usernetes.identity.ownership.OwnershipRecord;
import io.usernetes.identity.ownership.RecordValue;
import java.nio.charset.StandardCharsets;

/**
 * Reads and writes the ownership records of backing files (see {@link OwnershipRecord} for the
 * format): on regular files and directories themselves, for other types on the parent directory.
 * Every object is named by its parent's O_PATH descriptor and its name.
 */
public final class RecordStore {
  private static final byte[] UID = OwnershipRecord.UID_XATTR.getBytes(StandardCharsets.US_ASCII);
  private static final byte[] GID = OwnershipRecord.GID_XATTR.getBytes(StandardCharsets.US_ASCII);
  private static final int OBJECT = OpenFlags.O_PATH | OpenFlags.O_NOFOLLOW | OpenFlags.O_CLOEXEC;

  private RecordStore() {}

  /** The uid and gid records of {@code name} in {@code parent}, whose type is {@code type}. */
  public static RecordValue[] read(Fd parent, byte[] name, int type) throws ErrnoException {
    if (FileType.ofMode(type).carriesOwnRecord()) {
      try (Fd object = Open.openat(parent, name, OBJECT, 0)) {
        return new RecordValue[] {
            RecordValue.parse(Xattrs.getOrNull(object, UID)),
            RecordValue.parse(Xattrs.getOrNull(object, GID))};
      }
    }
    return RecordValue.parseEntry(Xattrs.getOrNull(parent, entryKey(name)));
  }

  /**
   * Sets or removes the records of an object; {@code ABSENT} values remove.
   */
  public static void write(Fd parent, byte[] name, int type, RecordValue uid, RecordValue gid)
      throws ErrnoException {
    if (FileType.ofMode(type).carriesOwnRecord()) {
      try (Fd object = Open.openat(parent, name, OBJECT, 0)) {
        put(object, UID, uid);
        put(object, GID, gid);
      }
      return;
    }
    byte[] key = entryKey(name);
    if (!uid.isValid() && !gid.isValid()) {
      Xattrs.removeIfPresent(parent, key);
      return;
    }
    Xattrs.set(parent, key, OwnershipRecord.formatEntry(uid, gid), 0);
  }

  /** Removes the entry record a symlink or special file left on its parent. */
  public static void forgetEntry(Fd parent, byte[] name) throws ErrnoException {
    Xattrs.removeIfPresent(parent, entryKey(name));
  }

  /** Moves an entry record with its object (rename, copy-up, atomic creation). */
  public static void moveEntry(Fd fromParent, byte[] fromName, Fd toParent, byte[] toName)
      throws ErrnoException {
    byte[] value = Xattrs.getOrNull(fromParent, entryKey(fromName));
    if (value != null) {
      Xattrs.set(toParent, entryKey(toName), value, 0);
      Xattrs.removeIfPresent(fromParent, entryKey(fromName));
    } else {
      Xattrs.removeIfPresent(toParent, entryKey(toName));
    }
  }

  /** Copies an entry record (copy-up leaves the lower layer alone). */
  public static void copyEntry(Fd fromParent, byte[] fromName, Fd toParent, byte[] toName)
      throws ErrnoException {
    byte[] value = Xattrs.getOrNull(fromParent, entryKey(fromName));
    if (value != null) {
      Xattrs.set(toParent, entryKey(toName), value, 0);
    }
  }

  private static void put(Fd object, byte[] key, RecordValue value) throws ErrnoException {
    if (value.isValid()) {
      Xattrs.set(object, key, OwnershipRecord.formatId(value.id()), 0);
    } else {
      Xattrs.removeIfPresent(object, key);
    }
  }

  private static byte[] entryKey(byte[] name) {
    return EntryRecordKey.xattrName(name).getBytes(StandardCharsets.US_ASCII);
  }
}
