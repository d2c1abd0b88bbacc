package io.usernetes.identity.supervisor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.usernetes.identity.declared.Resolution;
import io.usernetes.identity.idmap.IdMap;
import io.usernetes.identity.kernel.Fd;
import io.usernetes.identity.kernel.Open;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reading an untrusted root: no symlink followed, nothing but a regular file opened (a FIFO would
 * block, a device node reach its driver), no huge file; a changed file noticed by one statx.
 */
class ImageDeclarationsTest {
  @TempDir Path root;

  private ImageDeclarations read() throws Exception {
    try (Fd fd = Open.directory(root.toString().getBytes(StandardCharsets.UTF_8))) {
      return ImageDeclarations.read(fd, IdMap.defaultMap(), IdMap.defaultMap());
    }
  }

  @Test
  void declaredUsersAndGroupsResolve() throws Exception {
    Files.createDirectories(root.resolve("etc"));
    Files.writeString(root.resolve("etc/passwd"), "site:x:60000:60000::/:/bin/sh\n");
    Files.writeString(root.resolve("etc/group"), "site:x:60000:\n");
    ImageDeclarations d = read();
    assertEquals(1, d.userCount());
    Resolution r = d.users().resolve(1633);
    assertEquals(60000, r.container());
    assertEquals(60000, d.groups().resolve(1633).container());
    assertTrue(d.warnings().isEmpty(), d.warnings().toString());
  }

  @Test
  void symlinksAreNotFollowedEvenInsideTheRoot() throws Exception {
    Files.createDirectories(root.resolve("real"));
    Files.writeString(root.resolve("real/passwd"), "site:x:60000:60000::/:/bin/sh\n");
    Files.createSymbolicLink(root.resolve("etc"), Path.of("real"));
    ImageDeclarations d = read();
    assertEquals(0, d.userCount());
    assertTrue(d.warnings().stream().anyMatch(w -> w.contains("etc/passwd")), d.warnings().toString());
  }

  @Test
  void anEscapingSymlinkIsRefused() throws Exception {
    Files.createDirectories(root.resolve("etc"));
    Files.createSymbolicLink(root.resolve("etc/passwd"), Path.of("/etc/passwd"));
    ImageDeclarations d = read();
    assertEquals(0, d.userCount(), "the host's /etc/passwd must not be read");
    assertTrue(d.warnings().get(0).contains("symlink"), d.warnings().toString());
  }

  @Test
  @Timeout(value = 10, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // a blocking open never returns
  void aFifoDoesNotHangTheReader() throws Exception {
    Files.createDirectories(root.resolve("etc"));
    run("mkfifo", root.resolve("etc/passwd").toString());
    ImageDeclarations d = read();
    assertEquals(0, d.userCount());
    assertTrue(d.warnings().get(0).contains("not a regular file"), d.warnings().toString());
  }

  /** Major 4095 has no driver: any open of the node fails (ENXIO), a look at it with O_PATH does not. */
  @Test
  void aDeviceNodeIsNotOpened() throws Exception {
    Files.createDirectories(root.resolve("etc"));
    run("mknod", root.resolve("etc/passwd").toString(), "c", "4095", "0");
    ImageDeclarations d = read();
    assertEquals(0, d.userCount());
    assertEquals("/etc/passwd is not a regular file, ignored", d.warnings().get(0), d.warnings().toString());
  }

  @Test
  void aChangedFileIsNoticedByItsVersionAndReadAgain() throws Exception {
    Files.createDirectories(root.resolve("etc"));
    Path passwd = root.resolve("etc/passwd");
    Files.writeString(passwd, "site:x:60000:60000::/:/bin/sh\n");
    try (Fd fd = Open.directory(root.toString().getBytes(StandardCharsets.UTF_8))) {
      ImageDeclarations first = ImageDeclarations.read(fd, IdMap.defaultMap(), IdMap.defaultMap());
      assertTrue(first.isCurrent(fd));
      Files.writeString(passwd, "site:x:60000:60000::/:/bin/sh\nother:x:1000:1000::/:/bin/sh\n");
      assertFalse(first.isCurrent(fd), "rewritten in place: size and mtime");
      ImageDeclarations second = ImageDeclarations.read(fd, IdMap.defaultMap(), IdMap.defaultMap());
      assertEquals(2, second.userCount());
      assertTrue(second.isCurrent(fd));

      // the same size and mtime under a new inode (useradd renames its new file into place)
      Path next = root.resolve("etc/passwd+");
      Files.writeString(next, "site:x:60000:60000::/:/bin/sh\nother:x:1001:1001::/:/bin/sh\n");
      Files.setLastModifiedTime(next, Files.getLastModifiedTime(passwd));
      Files.move(next, passwd, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      assertFalse(second.isCurrent(fd), "a new inode");
      Files.delete(passwd);
      assertFalse(second.isCurrent(fd), "gone");
      Files.writeString(root.resolve("etc/group"), "site:x:60000:\n");
      ImageDeclarations third = ImageDeclarations.read(fd, IdMap.defaultMap(), IdMap.defaultMap());
      assertTrue(third.isCurrent(fd));
      Files.delete(root.resolve("etc/group"));
      assertFalse(third.isCurrent(fd), "etc/group counts too");
    }
  }

  private static void run(String... argv) throws Exception {
    assertEquals(0, new ProcessBuilder(argv).inheritIO().start().waitFor(), String.join(" ", argv));
  }

  @Test
  void aHugeFileIsIgnored() throws Exception {
    Files.createDirectories(root.resolve("etc"));
    try (var ch = java.nio.channels.FileChannel.open(root.resolve("etc/passwd"),
        java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.WRITE)) {
      ch.write(java.nio.ByteBuffer.wrap(new byte[] {'\n'}), io.usernetes.identity.declared.RootfsAccountFile.MAX_SIZE + 10L);
    }
    ImageDeclarations d = read();
    assertTrue(d.warnings().get(0).contains("larger"), d.warnings().toString());
  }
}
