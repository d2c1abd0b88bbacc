package io.usernetes.identity.layers;

import io.usernetes.identity.kernel.Attributes;
import io.usernetes.identity.kernel.Entries;
import io.usernetes.identity.kernel.ErrnoException;
import io.usernetes.identity.kernel.Fd;
import io.usernetes.identity.kernel.Stat;
import io.usernetes.identity.kernel.Xattrs;
import io.usernetes.identity.ownership.EntryRecords;
import io.usernetes.identity.ownership.FileType;
import io.usernetes.identity.ownership.OwnershipRecord;
import io.usernetes.identity.ownership.RecordValue;
import java.nio.charset.StandardCharsets;

/**
 * Reads and writes the ownership records of backing files (see {@link OwnershipRecord} for the
 * format): on regular files and directories themselves, for other types in their parent's
 * entries directory ({@link EntryRecords}). Every object is named by its parent's O_PATH
 * descriptor and its name.
 */
public final class RecordStore {
  private static final byte[] UID = OwnershipRecord.UID_XATTR.getBytes(StandardCharsets.US_ASCII);
  private static final byte[] GID = OwnershipRecord.GID_XATTR.getBytes(StandardCharsets.US_ASCII);
  private static final byte[] DOT = {'.'};

  private RecordStore() {}

  /** The uid and gid records of {@code name} in {@code parent}, whose type is {@code type}. */
  public static RecordValue[] read(Fd parent, byte[] name, int type) throws ErrnoException {
    if (FileType.ofMode(type).carriesOwnRecord()) {
      return new RecordValue[] {
          RecordValue.parse(Xattrs.getAtOrNull(parent, name, UID)),
          RecordValue.parse(Xattrs.getAtOrNull(parent, name, GID))};
    }
    return RecordValue.parseEntry(EntryRecords.read(parent, name));
  }

  /**
   * Sets or removes the records of an object; {@code ABSENT} values remove.
   */
  public static void write(Fd parent, byte[] name, int type, RecordValue uid, RecordValue gid)
      throws ErrnoException {
    if (FileType.ofMode(type).carriesOwnRecord()) {
      put(parent, name, UID, uid);
      put(parent, name, GID, gid);
    } else if (!uid.isValid() && !gid.isValid()) {
      forgetEntry(parent, name);
    } else {
      writeEntry(parent, name, OwnershipRecord.formatEntry(uid, gid));
    }
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

  /** Removes the record a symlink or special file has in its parent's entries directory. */
  public static void forgetEntry(Fd parent, byte[] name) throws ErrnoException {
    try (Fd entries = EntryRecords.directory(parent)) {
      Entries.unlinkat(entries, EntryRecords.key(name), 0);
    } catch (ErrnoException e) {
      if (e.errno() != ErrnoException.ENOENT) {
        throw e;
      }
    }
  }

  /** Moves an entry record with its object (rename); a record at the target is replaced. */
  public static void moveEntry(Fd fromParent, byte[] fromName, Fd toParent, byte[] toName)
      throws ErrnoException {
    byte[] value = EntryRecords.read(fromParent, fromName);
    if (value != null) {
      writeEntry(toParent, toName, value);
      forgetEntry(fromParent, fromName);
    } else {
      forgetEntry(toParent, toName);
    }
  }

  /** Copies an entry record (copy-up leaves the lower layer alone; link). */
  public static void copyEntry(Fd fromParent, byte[] fromName, Fd toParent, byte[] toName)
      throws ErrnoException {
    byte[] value = EntryRecords.read(fromParent, fromName);
    if (value != null) {
      writeEntry(toParent, toName, value);
    }
  }

  /**
   * One record file per entry, its value set in one step. Making the entries directory leaves
   * the parent's times as they were: a chown of a symlink changes nothing else the caller sees.
   */
  private static void writeEntry(Fd parent, byte[] name, byte[] value) throws ErrnoException {
    try (Fd entries = entriesDirectory(parent)) {
      byte[] key = EntryRecords.key(name);
      try {
        Entries.mknodat(entries, key, Stat.S_IFREG | 0600, 0, 0);
      } catch (ErrnoException e) {
        if (e.errno() != ErrnoException.EEXIST) {
          throw e;
        }
      }
      Xattrs.setAt(entries, key, EntryRecords.XATTR, value, 0);
    }
  }

  /** The parent's entries directory, made if it has none yet. */
  private static Fd entriesDirectory(Fd parent) throws ErrnoException {
    try {
      return EntryRecords.directory(parent);
    } catch (ErrnoException e) {
      if (e.errno() != ErrnoException.ENOENT) {
        throw e;
      }
    }
    Stat before = Attributes.statx(parent);
    Entries.mkdirat(parent, EntryRecords.DIRECTORY, 0700);
    Attributes.utimensat(parent, DOT, before.atime(), before.mtime());
    return EntryRecords.directory(parent);
  }

  private static void put(Fd parent, byte[] name, byte[] key, RecordValue value) throws ErrnoException {
    if (value.isValid()) {
      Xattrs.setAt(parent, name, key, OwnershipRecord.formatId(value.id()), 0);
    } else {
      Xattrs.removeAtIfPresent(parent, name, key);
    }
  }
}
