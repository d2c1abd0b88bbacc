package io.usernetes.identity.layers;

import io.usernetes.identity.kernel.ErrnoException;
import io.usernetes.identity.kernel.Fd;
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
  /** Entry records live on the parent directory itself, named {@code .} relative to it. */
  private static final byte[] DOT = {'.'};

  private RecordStore() {}

  /** The uid and gid records of {@code name} in {@code parent}, whose type is {@code type}. */
  public static RecordValue[] read(Fd parent, byte[] name, int type) throws ErrnoException {
    if (FileType.ofMode(type).carriesOwnRecord()) {
      return new RecordValue[] {
          RecordValue.parse(Xattrs.getAtOrNull(parent, name, UID)),
          RecordValue.parse(Xattrs.getAtOrNull(parent, name, GID))};
    }
    return RecordValue.parseEntry(Xattrs.getAtOrNull(parent, DOT, entryKey(name)));
  }

  /**
   * Sets or removes the records of an object; {@code ABSENT} values remove.
   */
  public static void write(Fd parent, byte[] name, int type, RecordValue uid, RecordValue gid)
      throws ErrnoException {
    if (FileType.ofMode(type).carriesOwnRecord()) {
      put(parent, name, UID, uid);
      put(parent, name, GID, gid);
      return;
    }
    byte[] key = entryKey(name);
    if (!uid.isValid() && !gid.isValid()) {
      Xattrs.removeAtIfPresent(parent, DOT, key);
      return;
    }
    Xattrs.setAt(parent, DOT, key, OwnershipRecord.formatEntry(uid, gid), 0);
  }

  /**
   * Like {@link #write} for an object just made in the work directory, which has no records
   * yet: a regular file or directory gets only the records that hold a value.
   */
  public static void writeNew(Fd parent, byte[] name, int type, RecordValue uid, RecordValue gid)
      throws ErrnoException {
    if (!FileType.ofMode(type).carriesOwnRecord()) {
      write(parent, name, type, uid, gid);
      return;
    }
    if (uid.isValid()) {
      put(parent, name, UID, uid);
    }
    if (gid.isValid()) {
      put(parent, name, GID, gid);
    }
  }

  /** Removes the entry record a symlink or special file left on its parent. */
  public static void forgetEntry(Fd parent, byte[] name) throws ErrnoException {
    Xattrs.removeAtIfPresent(parent, DOT, entryKey(name));
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

  private static void put(Fd parent, byte[] name, byte[] key, RecordValue value) throws ErrnoException {
    if (value.isValid()) {
      Xattrs.setAt(parent, name, key, OwnershipRecord.formatId(value.id()), 0);
    } else {
      Xattrs.removeAtIfPresent(parent, name, key);
    }
  }

  private static byte[] entryKey(byte[] name) {
    return EntryRecordKey.xattrName(name).getBytes(StandardCharsets.US_ASCII);
  }
}
