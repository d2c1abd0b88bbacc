package io.usernetes.identity.kernel;

import static io.usernetes.identity.kernel.OpenFlags.O_PATH;
import static io.usernetes.identity.kernel.OpenFlags.O_RDONLY;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class EntriesTest extends TempDirTest {
  static Set<ByteBuffer> names(List<DirEntry> entries) {
    Set<ByteBuffer> names = new HashSet<>();
    for (DirEntry e : entries) {
      names.add(ByteBuffer.wrap(e.name()));
    }
    return names;
  }

  /** A random file name: 1 to 255 bytes, any byte but NUL and '/', never "." or "..". */
  static byte[] randomName(Random random) {
    while (true) {
      byte[] name = new byte[1 + random.nextInt(random.nextBoolean() ? 12 : 255)];
      for (int i = 0; i < name.length; i++) {
        int c;
        do {
          c = random.nextInt(256);
        } while (c == 0 || c == '/');
        name[i] = (byte) c;
      }
      if (!Arrays.equals(name, b(".")) && !Arrays.equals(name, b(".."))) {
        return name;
      }
    }
  }

  @Test
  void arbitraryByteNamesRoundTripThroughMkdiratListStatxAndUnlinkat() throws Exception {
    Random random = new Random(20240917L);
    for (int round = 0; round < 20; round++) {
      Map<ByteBuffer, byte[]> made = new HashMap<>();
      made.put(ByteBuffer.wrap(new byte[] {'b', 'a', 'd', (byte) 0xff, (byte) 0xfe}), new byte[] {'b', 'a', 'd', (byte) 0xff, (byte) 0xfe});
      for (int i = 0; i < 25; i++) {
        byte[] name = randomName(random);
        made.put(ByteBuffer.wrap(name), name);
      }
      for (byte[] name : made.values()) {
        Entries.mkdirat(dir, name, 0700);
      }

      List<DirEntry> listed = Entries.list(dir);

      assertEquals(made.keySet(), names(listed), "seed round " + round);
      for (DirEntry e : listed) {
        Stat s = Attributes.statx(dir, e.name());
        assertEquals(Stat.S_IFDIR | 0700, s.mode());
        assertEquals(s.ino(), e.ino());
        assertEquals(DirEntry.DT_DIR, e.type());
      }
      for (byte[] name : made.values()) {
        Entries.unlinkat(dir, name, Entries.AT_REMOVEDIR);
      }
      assertEquals(List.of(), Entries.list(dir));
    }
  }

  @Test
  void aNonUtf8NameIsTheSameFileForJava() throws Exception {
    Entries.mkdirat(dir, new byte[] {'b', 'a', 'd', (byte) 0xff, (byte) 0xfe}, 0755);
    try (var s = Files.list(tmp)) {
      assertEquals(1, s.count());
    }
    var e = assertThrows(ErrnoException.class, () -> Entries.mkdirat(dir, new byte[] {'b', 'a', 'd', (byte) 0xff, (byte) 0xfe}, 0755));
    assertEquals(ErrnoException.EEXIST, e.errno());
    assertEquals("mkdirat(\"bad\\xff\\xfe\"): File exists", e.getMessage());
  }

  @Test
  void nameLengthLimit() throws Exception {
    byte[] longest = new byte[255];
    Arrays.fill(longest, (byte) 'x');
    Entries.mkdirat(dir, longest, 0700);
    var e = assertThrows(ErrnoException.class, () -> Entries.mkdirat(dir, new byte[256], 0700));
    assertEquals(ErrnoException.EINVAL, e.errno(), "a NUL inside the name");
    byte[] tooLong = new byte[256];
    Arrays.fill(tooLong, (byte) 'x');
    e = assertThrows(ErrnoException.class, () -> Entries.mkdirat(dir, tooLong, 0700));
    assertEquals(ErrnoException.ENAMETOOLONG, e.errno());
  }

  @Test
  void listReportsTypesAndInodesAndSkipsDots() throws Exception {
    Files.writeString(tmp.resolve("reg"), "x");
    Files.createDirectory(tmp.resolve("dir"));
    Files.createSymbolicLink(tmp.resolve("lnk"), Path.of("reg"));
    Entries.mkfifoat(dir, b("fifo"), 0600);
    Entries.mknodat(dir, b("chr"), Stat.S_IFCHR | 0600, 1, 3);
    Entries.mknodat(dir, b("blk"), Stat.S_IFBLK | 0600, 7, 0);

    Map<String, Integer> types = new HashMap<>();
    for (DirEntry e : Entries.list(dir)) {
      types.put(new String(e.name(), UTF_8), e.type());
      assertEquals(Attributes.statx(dir, e.name()).ino(), e.ino());
    }

    assertEquals(Map.of("reg", DirEntry.DT_REG, "dir", DirEntry.DT_DIR, "lnk", DirEntry.DT_LNK,
        "fifo", DirEntry.DT_FIFO, "chr", DirEntry.DT_CHR, "blk", DirEntry.DT_BLK), types);
    assertEquals(Stat.S_IFIFO | 0600, Attributes.statx(dir, b("fifo")).mode());
  }

  @Test
  void listingABigDirectoryTakesSeveralReadsAndRepeats() throws Exception {
    Set<ByteBuffer> made = new HashSet<>();
    for (int i = 0; i < 3000; i++) {
      byte[] name = b(String.format("a-rather-long-file-name-to-fill-buffers-%05d", i));
      try (Fd f = Open.openat(dir, name, OpenFlags.O_WRONLY | OpenFlags.O_CREAT, 0600)) {
        made.add(ByteBuffer.wrap(name));
      }
    }
    try (Fd pathOnly = Open.openat(dir, b("."), O_PATH, 0)) {
      assertEquals(made, names(Entries.list(pathOnly)));
      assertEquals(made, names(Entries.list(pathOnly)), "a second listing of the same Fd sees everything again");
    }
  }

  @Test
  void concurrentListingsOfOneFdDoNotStealEntries() throws Exception {
    for (int i = 0; i < 500; i++) {
      Entries.mkfifoat(dir, b("f" + i), 0600);
    }
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<Integer>> counts = new ArrayList<>();
      for (int i = 0; i < 16; i++) {
        counts.add(pool.submit(() -> Entries.list(dir).size()));
      }
      for (Future<Integer> c : counts) {
        assertEquals(500, c.get());
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void mknodatEncodesLargeDeviceNumbers() throws Exception {
    Entries.mknodat(dir, b("c"), Stat.S_IFCHR | 0640, 300, 70000);
    Stat s = Attributes.statx(dir, b("c"));
    assertEquals(Stat.S_IFCHR | 0640, s.mode());
    assertEquals(300, s.rdevMajor());
    assertEquals(70000, s.rdevMinor());
  }

  @Test
  void symlinkContentRoundTripsExactlyAtAnyLength() throws Exception {
    byte[] shortTarget = {'t', (byte) 0x80, '/', (byte) 0xff, 'x'};
    byte[] longTarget = new byte[3000];
    Arrays.fill(longTarget, (byte) 'a');
    for (int i = 0; i < longTarget.length; i += 100) {
      longTarget[i] = '/';
    }
    Entries.symlinkat(shortTarget, dir, b("s"));
    Entries.symlinkat(longTarget, dir, b("l"));

    assertArrayEquals(shortTarget, Entries.readlinkat(dir, b("s")));
    assertArrayEquals(longTarget, Entries.readlinkat(dir, b("l")));
    try (Fd link = Open.openat(dir, b("l"), O_PATH, 0)) {
      assertArrayEquals(longTarget, Entries.readlinkat(link, new byte[0]));
    }
    Files.writeString(tmp.resolve("reg"), "x");
    var e = assertThrows(ErrnoException.class, () -> Entries.readlinkat(dir, b("reg")));
    assertEquals(ErrnoException.EINVAL, e.errno());
    e = assertThrows(ErrnoException.class, () -> Entries.symlinkat(b("x"), dir, b("s")));
    assertEquals("symlinkat(\"x\", \"s\"): File exists", e.getMessage());
  }

  @Test
  void linkatLinksASymlinkItself() throws Exception {
    Files.writeString(tmp.resolve("t"), "x");
    Files.createSymbolicLink(tmp.resolve("l"), Path.of("t"));
    Files.createDirectory(tmp.resolve("d"));
    try (Fd d = Open.openat(dir, b("d"), O_PATH, 0)) {
      Entries.linkat(dir, b("t"), d, b("t2"));
      Entries.linkat(dir, b("l"), d, b("l2"));
      assertEquals(2, Attributes.statx(dir, b("t")).nlink());
      assertEquals(Stat.S_IFLNK, Attributes.statx(d, b("l2")).type());
      assertEquals(Attributes.statx(dir, b("l")).ino(), Attributes.statx(d, b("l2")).ino());
      var e = assertThrows(ErrnoException.class, () -> Entries.linkat(dir, b("t"), d, b("t2")));
      assertEquals(ErrnoException.EEXIST, e.errno());
    }
  }

  @Test
  void renameat2NoReplaceRefusesAnExistingName() throws Exception {
    Files.writeString(tmp.resolve("a"), "A");
    Files.writeString(tmp.resolve("b"), "B");
    var e = assertThrows(ErrnoException.class, () -> Entries.renameat2(dir, b("a"), dir, b("b"), Entries.RENAME_NOREPLACE));
    assertEquals(ErrnoException.EEXIST, e.errno());
    assertEquals("renameat2(\"a\", \"b\"): File exists", e.getMessage());
    assertEquals("A", Files.readString(tmp.resolve("a")));
    assertEquals("B", Files.readString(tmp.resolve("b")));
    Entries.renameat2(dir, b("a"), dir, b("c"), Entries.RENAME_NOREPLACE);
    assertEquals("A", Files.readString(tmp.resolve("c")));
    assertFalse(Files.exists(tmp.resolve("a")));
  }

  @Test
  void renameat2ExchangeSwapsAndPlainRenameReplaces() throws Exception {
    Files.writeString(tmp.resolve("a"), "A");
    Files.createDirectory(tmp.resolve("b"));
    Entries.renameat2(dir, b("a"), dir, b("b"), Entries.RENAME_EXCHANGE);
    assertTrue(Files.isDirectory(tmp.resolve("a")));
    assertEquals("A", Files.readString(tmp.resolve("b")));
    Files.writeString(tmp.resolve("c"), "C");
    Entries.renameat2(dir, b("c"), dir, b("b"), 0);
    assertEquals("C", Files.readString(tmp.resolve("b")));
    var e = assertThrows(ErrnoException.class, () -> Entries.renameat2(dir, b("b"), dir, b("missing"), Entries.RENAME_EXCHANGE));
    assertEquals(ErrnoException.ENOENT, e.errno());
  }

  @Test
  void renameat2WhiteoutLeavesACharacterDeviceZeroZero() throws Exception {
    Files.writeString(tmp.resolve("a"), "A");
    Files.createDirectory(tmp.resolve("work"));
    try (Fd work = Open.openat(dir, b("work"), O_PATH, 0)) {
      Entries.renameat2(dir, b("a"), work, b("moved"), Entries.RENAME_WHITEOUT);
      assertEquals("A", Files.readString(tmp.resolve("work/moved")));
    }
    Stat whiteout = Attributes.statx(dir, b("a"));
    assertEquals(Stat.S_IFCHR, whiteout.type());
    assertEquals(0, whiteout.rdevMajor());
    assertEquals(0, whiteout.rdevMinor());
  }

  @Test
  void unlinkatRemovesNamesAndDirectoriesOnlyWhenAsked() throws Exception {
    Files.writeString(tmp.resolve("t"), "x");
    Files.createSymbolicLink(tmp.resolve("l"), Path.of("t"));
    Files.createDirectories(tmp.resolve("d/e"));

    Entries.unlinkat(dir, b("l"), 0);
    assertFalse(Files.exists(tmp.resolve("l"), LinkOption.NOFOLLOW_LINKS));
    assertTrue(Files.exists(tmp.resolve("t")));

    var e = assertThrows(ErrnoException.class, () -> Entries.unlinkat(dir, b("d"), 0));
    assertEquals(ErrnoException.EISDIR, e.errno());
    e = assertThrows(ErrnoException.class, () -> Entries.unlinkat(dir, b("d"), Entries.AT_REMOVEDIR));
    assertEquals(ErrnoException.ENOTEMPTY, e.errno());
    e = assertThrows(ErrnoException.class, () -> Entries.unlinkat(dir, b("t"), Entries.AT_REMOVEDIR));
    assertEquals(ErrnoException.ENOTDIR, e.errno());
    try (Fd d = Open.openat(dir, b("d"), O_RDONLY, 0)) {
      Entries.unlinkat(d, b("e"), Entries.AT_REMOVEDIR);
    }
    Entries.unlinkat(dir, b("d"), Entries.AT_REMOVEDIR);
    assertFalse(Files.exists(tmp.resolve("d")));
  }
}
