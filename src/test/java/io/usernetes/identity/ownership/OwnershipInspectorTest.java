package io.usernetes.identity.ownership;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.usernetes.identity.idmap.IdMap;
import io.usernetes.identity.kernel.Attributes;
import io.usernetes.identity.kernel.Entries;
import io.usernetes.identity.kernel.ErrnoException;
import io.usernetes.identity.kernel.Fd;
import io.usernetes.identity.kernel.Open;
import io.usernetes.identity.kernel.Xattrs;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What stat reads, on real files with real xattrs (the tests run as root, as CI does). */
class OwnershipInspectorTest {
  private static final byte[] NOT_UTF8 = {'f', (byte) 0xff, 'o'};

  @TempDir Path tmp;
  private final OwnershipInspector inspector = new OwnershipInspector(IdMap.defaultMap(), IdMap.defaultMap());

  private static byte[] b(String s) {
    return s.getBytes(UTF_8);
  }

  private static byte[] path(Path dir, byte[] name) {
    return PathBytes.child(b(dir.toString()), name);
  }

  /** A symlink {@code name} in {@code dir}, owned 1633:1633, with entry record {@code value} beside it. */
  private static void symlinkWithRecord(Path dir, byte[] name, String value) throws ErrnoException {
    try (Fd fd = Open.directory(b(dir.toString()))) {
      Entries.symlinkat(b("target"), fd, name);
      Attributes.fchownat(fd, name, 1633, 1633);
      EntryRecordFiles.write(fd, name, value);
    }
  }

  @Test
  void aSymlinkWhoseNameIsNotUtf8IsReadUnderTheKeyOfItsExactBytes() throws Exception {
    symlinkWithRecord(tmp, NOT_UTF8, "60000:60000");
    FileOwnership f = inspector.inspect(path(tmp, NOT_UTF8));
    assertEquals(FileType.SYMLINK, f.type());
    assertEquals(IdOwnership.Status.OK, f.uid().status());
    assertEquals(60000, f.uid().container());
    assertEquals(60000, f.gid().container());
    assertArrayEquals(path(tmp, NOT_UTF8), f.path());
  }

  @Test
  void theRecordOfOneNameIsNotAnothersWhoseNameDecodesTheSame() throws Exception {
    // f\xfeo decodes to the same String as f\xffo (both U+FFFD); its record must not be read
    symlinkWithRecord(tmp, NOT_UTF8, "60000:60000");
    byte[] other = {'f', (byte) 0xfe, 'o'};
    try (Fd fd = Open.directory(b(tmp.toString()))) {
      Entries.symlinkat(b("target"), fd, other);
    }
    FileOwnership f = inspector.inspect(path(tmp, other));
    assertEquals(IdOwnership.Status.NO_RECORD, f.uid().status());
  }

  @Test
  void regularFilesAndDirectoriesCarryTheirOwnRecord() throws Exception {
    Path dir = Files.createDirectory(tmp.resolve("d"));
    try (Fd fd = Open.directory(b(tmp.toString()))) {
      Xattrs.setAt(fd, b("d"), b(OwnershipRecord.UID_XATTR), b("60000"), 0);
      Attributes.fchownat(fd, b("d"), 1633, 0);
    }
    FileOwnership f = inspector.inspect(b(dir + "/"));
    assertEquals(FileType.DIRECTORY, f.type());
    assertEquals(IdOwnership.Status.OK, f.uid().status());
    assertEquals(IdOwnership.Status.NO_RECORD, f.gid().status());
    assertEquals(dir.toString(), new String(f.path(), UTF_8));
  }

  @Test
  void aSymlinkOnTheWayIsFollowedButNotTheLastName() throws Exception {
    Path real = Files.createDirectory(tmp.resolve("real"));
    Files.createSymbolicLink(tmp.resolve("via"), real);
    symlinkWithRecord(real, b("l"), "65534:");
    FileOwnership f = inspector.inspect(b(tmp.resolve("via/l").toString()));
    assertEquals(FileType.SYMLINK, f.type());
    assertEquals(IdOwnership.Status.DRIFTED, f.uid().status()); // 65534 maps to 2000, not 1633
    assertEquals(IdOwnership.Status.NO_RECORD, f.gid().status());
  }

  @Test
  void aFileSystemWithoutUserXattrsHasNoRecords() throws Exception {
    FileOwnership f = inspector.inspect(b("/proc/self/status"));
    assertEquals(FileType.REGULAR, f.type());
    assertEquals(IdOwnership.Status.NO_RECORD, f.uid().status());
    assertEquals(IdOwnership.Status.NO_RECORD, f.gid().status());
  }

  @Test
  void aMissingFileIsEnoent() {
    var e = assertThrows(ErrnoException.class, () -> inspector.inspect(b(tmp.resolve("missing").toString())));
    assertEquals(ErrnoException.ENOENT, e.errno());
    e = assertThrows(ErrnoException.class, () -> inspector.inspect(b(tmp.resolve("missing/x").toString())));
    assertEquals(ErrnoException.ENOENT, e.errno());
  }

  @Test
  void aForceMaskOverrideIsTheOwnerItsRecordIsJudgedAgainst() throws Exception {
    // as the mount under xattr_permissions writes it: the backing file root's, the override the
    // pool id, the record the true id
    Path upper = Files.createFile(tmp.resolve("upper"));
    setxattr(upper, OverrideStat.XATTR, "1633:1633:0644:file");
    setxattr(upper, "user.usernetes.uid", "60000");
    FileOwnership f = inspector.inspect(b(upper.toString()));
    assertEquals(IdOwnership.Status.OK, f.uid().status());
    assertEquals(60000, f.uid().container());
    assertEquals(1633, f.gid().container(), "no gid record: the override's id");
    // as containers-storage writes a lower layer: the image's own ids, no record
    Path lower = Files.createFile(tmp.resolve("lower"));
    setxattr(lower, OverrideStat.XATTR, "60000:60000:0644");
    assertEquals(60000, inspector.inspect(b(lower.toString())).uid().container());
    // a malformed override is no owner
    Path bad = Files.createFile(tmp.resolve("bad"));
    setxattr(bad, OverrideStat.XATTR, "0:0");
    assertEquals(0, inspector.inspect(b(bad.toString())).uid().container());
  }

  private static void setxattr(Path p, String name, String value) throws ErrnoException {
    try (Fd fd = Open.directory(b(p.getParent().toString()))) {
      Xattrs.setAt(fd, b(p.getFileName().toString()), b(name), b(value), 0);
    }
  }
}
