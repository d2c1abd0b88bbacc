package io.usernetes.identity.ownership;

import io.usernetes.identity.kernel.Entries;
import io.usernetes.identity.kernel.ErrnoException;
import io.usernetes.identity.kernel.Fd;
import io.usernetes.identity.kernel.Open;
import io.usernetes.identity.kernel.Stat;
import io.usernetes.identity.kernel.Xattrs;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** Writes an entry record as the mount program stores one, with any value (corrupt ones too). */
public final class EntryRecordFiles {
  private EntryRecordFiles() {}

  public static void write(Fd dir, byte[] name, String value) throws ErrnoException {
    try {
      Entries.mkdirat(dir, EntryRecords.DIRECTORY, 0700);
    } catch (ErrnoException e) {
      if (e.errno() != ErrnoException.EEXIST) {
        throw e;
      }
    }
    try (Fd entries = EntryRecords.directory(dir)) {
      Entries.mknodat(entries, EntryRecords.key(name), Stat.S_IFREG | 0600, 0, 0);
      Xattrs.setAt(entries, EntryRecords.key(name), EntryRecords.XATTR, value.getBytes(StandardCharsets.ISO_8859_1), 0);
    }
  }

  public static void write(Path dir, byte[] name, String value) throws ErrnoException {
    try (Fd fd = Open.directory(dir.toString().getBytes(StandardCharsets.UTF_8))) {
      write(fd, name, value);
    }
  }
}
