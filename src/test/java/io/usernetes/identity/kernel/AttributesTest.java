package io.usernetes.identity.kernel;

import static io.usernetes.identity.kernel.OpenFlags.O_PATH;
import static io.usernetes.identity.kernel.OpenFlags.O_RDONLY;
import static io.usernetes.identity.kernel.OpenFlags.O_WRONLY;
import static java.nio.file.LinkOption.NOFOLLOW_LINKS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class AttributesTest extends TempDirTest {
  static int uid(Path p) throws Exception {
    return (Integer) Files.getAttribute(p, "unix:uid", NOFOLLOW_LINKS);
  }

  @Test
  void statxDecodesEveryFieldOfARegularFile() throws Exception {
    Path f = tmp.resolve("f");
    Files.write(f, new byte[5000]);
    Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-r-----"));
    Files.setLastModifiedTime(f, FileTime.from(Instant.ofEpochSecond(1_600_000_000L, 123_456_789)));
    Files.createLink(tmp.resolve("g"), f);

    Stat s = Attributes.statx(dir, b("f"));

    assertEquals(Stat.S_IFREG | 0640, s.mode());
    assertEquals(Stat.S_IFREG, s.type());
    assertEquals(0640, s.permissions());
    assertEquals(((Number) Files.getAttribute(f, "unix:uid")).longValue(), s.uid());
    assertEquals(((Number) Files.getAttribute(f, "unix:gid")).longValue(), s.gid());
    assertEquals(((Number) Files.getAttribute(f, "unix:ino")).longValue(), s.ino());
    long dev = (Long) Files.getAttribute(f, "unix:dev");
    assertEquals(((dev >>> 8) & 0xfff) | ((dev >>> 32) & ~0xfffL), s.devMajor());
    assertEquals((dev & 0xff) | ((dev >>> 12) & ~0xffL), s.devMinor());
    assertEquals(2, s.nlink());
    assertEquals(5000, s.size());
    assertTrue(s.blocks() * 512 >= s.size(), "5000 written bytes need 512-byte blocks: " + s.blocks());
    assertEquals(4096, s.blockSize());
    assertEquals(new Timespec(1_600_000_000L, 123_456_789), s.mtime());
    assertTrue(s.ctime().seconds() > 1_600_000_000L);
    assertTrue(s.atime().seconds() > 0);
  }

  @Test
  void statxOfADeviceHasItsRdev() throws Exception {
    try (Fd dev = Open.directory(b("/dev"))) {
      Stat devNull = Attributes.statx(dev, b("null"));
      assertEquals(Stat.S_IFCHR, devNull.type());
      assertEquals(1, devNull.rdevMajor());
      assertEquals(3, devNull.rdevMinor());
    }
  }

  @Test
  void statxDoesNotFollowSymlinksByNameOrThroughAPathDescriptor() throws Exception {
    Files.createDirectory(tmp.resolve("d"));
    Files.createSymbolicLink(tmp.resolve("l"), Path.of("d"));
    Stat byName = Attributes.statx(dir, b("l"));
    assertEquals(Stat.S_IFLNK, byName.type());
    assertEquals(1, byName.size(), "a symlink's size is the length of its target");
    try (Fd link = Open.openat(dir, b("l"), O_PATH, 0)) {
      assertEquals(byName, Attributes.statx(link));
    }
    try (Fd d = Open.openat(dir, b("d"), O_RDONLY, 0)) {
      assertEquals(Stat.S_IFDIR, Attributes.statx(d).type());
    }
    var e = assertThrows(ErrnoException.class, () -> Attributes.statx(dir, b("missing")));
    assertEquals(ErrnoException.ENOENT, e.errno());
    assertEquals("statx(\"missing\"): No such file or directory", e.getMessage());
  }

  @Test
  void fchownatChangesTheSymlinkNotItsTarget() throws Exception {
    Files.writeString(tmp.resolve("t"), "x");
    Files.createSymbolicLink(tmp.resolve("l"), Path.of("t"));
    Attributes.fchownat(dir, b("l"), 1633, Attributes.UNCHANGED);
    assertEquals(1633, uid(tmp.resolve("l")));
    assertEquals(0, uid(tmp.resolve("t")));
    Stat link = Attributes.statx(dir, b("l"));
    assertEquals(1633, link.uid());
    assertEquals(0, link.gid(), "gid left unchanged");
  }

  @Test
  void fchownWorksThroughAPathDescriptor() throws Exception {
    Files.writeString(tmp.resolve("t"), "x");
    Files.createSymbolicLink(tmp.resolve("l"), Path.of("t"));
    try (Fd link = Open.openat(dir, b("l"), O_PATH, 0); Fd file = Open.openat(dir, b("t"), O_RDONLY, 0)) {
      Attributes.fchown(link, 60000, 2001);
      Attributes.fchown(file, 1999, Attributes.UNCHANGED);
    }
    assertEquals(60000, Attributes.statx(dir, b("l")).uid());
    assertEquals(2001, Attributes.statx(dir, b("l")).gid());
    assertEquals(1999, Attributes.statx(dir, b("t")).uid());
  }

  @Test
  void idsOutsideUidTAreRejected() throws Exception {
    Files.writeString(tmp.resolve("t"), "x");
    var e = assertThrows(ErrnoException.class, () -> Attributes.fchownat(dir, b("t"), 0xffff_ffffL, 0));
    assertEquals(ErrnoException.EINVAL, e.errno());
    assertThrows(ErrnoException.class, () -> Attributes.fchownat(dir, b("t"), -2, 0));
    assertEquals(0, Attributes.statx(dir, b("t")).uid());
  }

  @Test
  void fchmodatChangesFilesAndRefusesSymlinksWithBothImplementations() throws Exception {
    Files.writeString(tmp.resolve("t"), "x");
    Files.createSymbolicLink(tmp.resolve("l"), Path.of("t"));

    Attributes.fchmodat(dir, b("t"), 04711);
    assertEquals(04711, Attributes.statx(dir, b("t")).permissions());
    Attributes.fchmodatWithGlibc(dir, b("t"), 0600);
    assertEquals(0600, Attributes.statx(dir, b("t")).permissions());

    var e = assertThrows(ErrnoException.class, () -> Attributes.fchmodat(dir, b("l"), 0600));
    assertEquals(ErrnoException.ENOTSUP, e.errno());
    e = assertThrows(ErrnoException.class, () -> Attributes.fchmodatWithGlibc(dir, b("l"), 0644));
    assertEquals(ErrnoException.ENOTSUP, e.errno());
    assertEquals(0600, Attributes.statx(dir, b("t")).permissions(), "the target is untouched");
  }

  @Test
  void fchmodNeedsAnIoDescriptor() throws Exception {
    Files.writeString(tmp.resolve("t"), "x");
    try (Fd f = Open.openat(dir, b("t"), O_RDONLY, 0); Fd p = Open.openat(dir, b("t"), O_PATH, 0)) {
      Attributes.fchmod(f, 0751);
      assertEquals(0751, Attributes.statx(f).permissions());
      var e = assertThrows(ErrnoException.class, () -> Attributes.fchmod(p, 0700));
      assertEquals(ErrnoException.EBADF, e.errno());
    }
  }

  @Test
  void utimensatSetsTheSymlinksOwnTimesAndHonoursOmit() throws Exception {
    Files.writeString(tmp.resolve("t"), "x");
    Files.createSymbolicLink(tmp.resolve("l"), Path.of("t"));
    Stat before = Attributes.statx(dir, b("t"));
    Timespec when = new Timespec(1_000_000_000L, 999_999_999);

    Attributes.utimensat(dir, b("l"), Timespec.OMIT, when);

    Stat link = Attributes.statx(dir, b("l"));
    assertEquals(when, link.mtime());
    assertNotEquals(when, link.atime());
    assertEquals(before.mtime(), Attributes.statx(dir, b("t")).mtime());
  }

  @Test
  void futimensWithNowAndExplicitTimes() throws Exception {
    Files.writeString(tmp.resolve("t"), "x");
    try (Fd f = Open.openat(dir, b("t"), O_WRONLY, 0)) {
      Attributes.futimens(f, new Timespec(5, 6), new Timespec(7, 8));
      Stat s = Attributes.statx(f);
      assertEquals(new Timespec(5, 6), s.atime());
      assertEquals(new Timespec(7, 8), s.mtime());
      long now = Instant.now().getEpochSecond();
      Attributes.futimens(f, Timespec.OMIT, Timespec.NOW);
      s = Attributes.statx(f);
      assertEquals(new Timespec(5, 6), s.atime());
      assertTrue(Math.abs(s.mtime().seconds() - now) <= 2);
    }
  }

  @Test
  void timespecRejectsNanosecondsOutOfRange() {
    assertThrows(IllegalArgumentException.class, () -> new Timespec(0, 1_000_000_000));
    assertThrows(IllegalArgumentException.class, () -> new Timespec(0, -1));
  }

  @Test
  void statvfsMatchesTheJavaFileStore() throws Exception {
    FileStore store = Files.getFileStore(tmp);
    StatVfs byPath = Attributes.statvfs(b(tmp.toString()));
    StatVfs byFd;
    try (Fd p = Open.openat(dir, b("."), O_PATH, 0)) {
      byFd = Attributes.fstatvfs(p);
    }
    assertEquals(store.getTotalSpace(), byFd.blocks() * byFd.fragmentSize());
    assertEquals(byPath.blocks(), byFd.blocks());
    assertEquals(byPath.fsid(), byFd.fsid());
    assertEquals(255, byFd.nameMax());
    assertTrue(byFd.blockSize() > 0 && byFd.files() > 0 && byFd.filesFree() > 0);
    assertTrue(byFd.blocksFree() >= byFd.blocksAvailable());
    var e = assertThrows(ErrnoException.class, () -> Attributes.statvfs(b(tmp.resolve("missing").toString())));
    assertEquals(ErrnoException.ENOENT, e.errno());
  }
}
