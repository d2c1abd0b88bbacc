package io.usernetes.identity.ownership;

import io.usernetes.identity.kernel.Attributes;
import io.usernetes.identity.kernel.Entries;
import io.usernetes.identity.kernel.ErrnoException;
import io.usernetes.identity.kernel.Fd;
import io.usernetes.identity.kernel.Open;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** Test fixture: files whose names are not UTF-8, made through the kernel binding. */
public final class OddNames {
  /** {@code f\xffo}: not UTF-8, so a decoded String cannot give its bytes back. */
  public static final byte[] NOT_UTF8 = {'f', (byte) 0xff, 'o'};

  private OddNames() {}

  /**
   * A symlink {@code name} in {@code dir}, owned by host id {@code hostId}, with the entry record
   * {@code record} (e.g. {@code 60000:60000}) beside it, as the mount program writes it.
   */
  public static void symlinkWithRecord(Path dir, byte[] name, int hostId, String record) throws ErrnoException {
    try (Fd fd = Open.directory(dir.toString().getBytes(StandardCharsets.UTF_8))) {
      Entries.symlinkat("t".getBytes(StandardCharsets.US_ASCII), fd, name);
      Attributes.fchownat(fd, name, hostId, hostId);
      EntryRecordFiles.write(fd, name, record);
    }
  }
}
