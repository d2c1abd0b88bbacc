package io.usernetes.identity.ownership;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.usernetes.identity.idmap.IdMap;
import io.usernetes.identity.kernel.Attributes;
import io.usernetes.identity.kernel.Entries;
import io.usernetes.identity.kernel.ErrnoException;
import io.usernetes.identity.kernel.Fd;
import io.usernetes.identity.kernel.Open;
import io.usernetes.identity.kernel.OpenFlags;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The walk of {@code identity-map tree}, on real files (the tests run as root, as CI does). */
class TreeScanTest {
  @TempDir Path tmp;
  private final OwnershipInspector inspector = new OwnershipInspector(IdMap.defaultMap(), IdMap.defaultMap());

  private static byte[] b(String s) {
    return s.getBytes(UTF_8);
  }

  private OwnershipCensus scan(Path root) throws ErrnoException {
    return TreeScan.scan(b(root.toString()), inspector, seen -> { });
  }

  private static void entryRecord(Fd dir, byte[] name, String value) throws ErrnoException {
    EntryRecordFiles.write(dir, name, value);
  }

  @Test
  void namesThatAreNotUtf8AreWalkedAndKeyedByTheirExactBytes() throws Exception {
    Path layer = Files.createDirectory(tmp.resolve("layer"));
    byte[] dirName = {'d', (byte) 0xe9};
    byte[] good = {'f', (byte) 0xff, 'o'};
    byte[] forged = {'f', (byte) 0xfe, 'o'};
    try (Fd fd = Open.directory(b(layer.toString()))) {
      Entries.mkdirat(fd, dirName, 0755);
      try (Fd sub = Open.openat(fd, dirName, OpenFlags.O_PATH, 0)) {
        Entries.symlinkat(b("t"), sub, good);
        Entries.symlinkat(b("t"), sub, forged);
        Attributes.fchownat(sub, good, 1633, 1633);
        Attributes.fchownat(sub, forged, 1633, 1633);
        entryRecord(sub, good, "60000:60000");
        entryRecord(sub, forged, "0:0"); // root maps to host 0, not to 1633: drifted
      }
    }
    OwnershipCensus census = scan(layer);
    assertEquals(4, census.files());
    assertEquals(2, census.withRecord());
    assertEquals(1L, census.filesPerUid().get(60000L));
    assertEquals(1L, census.filesPerGid().get(60000L));
    assertEquals(1, census.problems().size());
    byte[] expected = PathBytes.child(PathBytes.child(b(layer.toString()), dirName), forged);
    assertArrayEquals(expected, census.problems().get(0).path());
    assertEquals(List.of(), census.unreadable());
  }

  @Test
  void aSymlinkToADirectoryIsCountedAndNotEntered() throws Exception {
    Path outside = Files.createDirectory(tmp.resolve("outside"));
    for (int i = 0; i < 5; i++) {
      Files.createFile(outside.resolve("f" + i));
    }
    Path layer = Files.createDirectory(tmp.resolve("layer"));
    Files.createSymbolicLink(layer.resolve("link"), outside);
    OwnershipCensus census = scan(layer);
    assertEquals(2, census.files());
  }

  @Test
  void theRootMustBeADirectoryItselfNotASymlinkToOne() throws Exception {
    Path real = Files.createDirectory(tmp.resolve("real"));
    Files.createSymbolicLink(tmp.resolve("link"), real);
    Files.createFile(tmp.resolve("file"));
    assertEquals(ErrnoException.ENOTDIR, assertThrows(ErrnoException.class, () -> scan(tmp.resolve("link"))).errno());
    assertEquals(ErrnoException.ENOTDIR, assertThrows(ErrnoException.class, () -> scan(tmp.resolve("file"))).errno());
    assertEquals(ErrnoException.ENOENT, assertThrows(ErrnoException.class, () -> scan(tmp.resolve("none"))).errno());
    // a symlink on the way to the root is followed, as a shell would
    Files.createDirectory(real.resolve("sub"));
    assertEquals(1, scan(tmp.resolve("link/sub")).files());
  }

  @Test
  void progressIsReportedEveryProgressEveryEntries() throws Exception {
    Path layer = Files.createDirectory(tmp.resolve("layer"));
    for (int i = 1; i < 2 * TreeScan.PROGRESS_EVERY; i++) { // with the root: 2 x PROGRESS_EVERY
      Files.createFile(layer.resolve("f" + i));
    }
    List<Long> reports = new ArrayList<>();
    TreeScan.scan(b(layer.toString()), inspector, reports::add);
    assertEquals(List.of(TreeScan.PROGRESS_EVERY, 2 * TreeScan.PROGRESS_EVERY), reports);
  }

  @Test
  void theWalkClosesEveryDescriptorItOpened() throws Exception {
    Path layer = Files.createDirectories(tmp.resolve("layer/a/b/c"));
    Files.createFile(layer.resolve("f"));
    long before = openDescriptors();
    assertEquals(5, scan(tmp.resolve("layer")).files());
    assertEquals(before, openDescriptors());
  }

  private static long openDescriptors() throws Exception {
    try (var fds = Files.list(Path.of("/proc/self/fd"))) {
      return fds.count();
    }
  }

  /** A bind mount of a directory below itself would make an endless tree: it is not entered twice. */
  @Test
  void aDirectoryThatIsItsOwnAncestorIsNotEnteredAgain() throws Exception {
    Path layer = Files.createDirectories(tmp.resolve("layer/a/loop"));
    Files.createFile(tmp.resolve("layer/a/f"));
    assertTrue(run("mount", "--bind", tmp.resolve("layer").toString(), layer.toString()),
        "bind mount (the tests run as root, as CI does)");
    try {
      OwnershipCensus census = scan(tmp.resolve("layer"));
      assertEquals(4, census.files()); // layer, a, a/f, a/loop (the mount point, counted once)
      assertEquals(1, census.unreadable().size());
      Unreadable loop = census.unreadable().get(0);
      assertEquals(layer.toString(), new String(loop.path(), UTF_8));
      assertTrue(loop.reason().startsWith("file system loop"), loop.reason());
    } finally {
      assertTrue(run("umount", "-l", layer.toString()));
    }
  }

  private static boolean run(String... command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    p.getInputStream().readAllBytes();
    return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
  }

  @Test
  void filesPerIdCountsEveryEntryOnce() throws Exception {
    Path layer = Files.createDirectory(tmp.resolve("layer"));
    Files.createFile(layer.resolve("a"));
    Files.createFile(layer.resolve("b"));
    try (Fd fd = Open.directory(b(tmp.toString()))) {
      Attributes.fchownat(fd, b("layer"), 0, 0);
    }
    try (Fd fd = Open.directory(b(layer.toString()))) {
      Attributes.fchownat(fd, b("a"), 0, 0);
      Attributes.fchownat(fd, b("b"), 5, 5);
    }
    assertEquals(Map.of(0L, 2L, 5L, 1L), scan(layer).filesPerUid());
  }
}
