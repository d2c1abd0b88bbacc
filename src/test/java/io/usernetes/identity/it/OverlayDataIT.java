package io.usernetes.identity.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** File data through the mount: big files and sparse files. */
class OverlayDataIT {
  @TempDir Path dir;

  @Test
  void aBigFileWrittenAndReadThroughTheMountKeepsItsChecksum() throws Exception {
    Layers l = Layers.in(dir, 1);
    Path source = dir.resolve("source");
    Sh.ok("head -c 200M /dev/urandom > " + source);
    String sum = Sh.ok("sha256sum < " + source);
    try (OverlayMount m = l.mount()) {
      Sh.ok("dd if=" + source + " of=" + l.m("big") + " bs=1M status=none conv=fsync");
      assertEquals(sum, Sh.ok("sha256sum < " + l.m("big")));
      assertEquals("209715200\n", Sh.ok("stat -c %s " + l.m("big")));
    }
    assertEquals(sum, Sh.ok("sha256sum < " + l.upper.resolve("big")));
  }

  /**
   * A file opened again keeps the pages read before (auto_cache), as a kernel file system does:
   * fincore opens it anew and counts its resident pages.
   */
  @Test
  void aCreatedFileKeepsTheCallersOpenFlags() throws Exception {
    Layers l = Layers.in(dir, 1);
    try (OverlayMount m = l.mount()) {
      // the daemon's own descriptor for the new file must carry O_SYNC and O_APPEND as asked
      String flags = Sh.python("import os\n"
          + "fd = os.open('" + l.m("synced") + "', os.O_CREAT | os.O_WRONLY | os.O_SYNC | os.O_APPEND, 0o644)\n"
          + "found = []\nfor n in os.listdir('/proc/" + m.daemon + "/fd'):\n"
          + "    try:\n        target = os.readlink('/proc/" + m.daemon + "/fd/' + n)\n    except OSError:\n        continue\n"
          + "    if target.endswith('/upper/synced'):\n"
          + "        for line in open('/proc/" + m.daemon + "/fdinfo/' + n):\n"
          + "            if line.startswith('flags:'):\n                f = int(line.split()[1], 8)\n"
          + "                found.append((f & os.O_SYNC == os.O_SYNC, f & os.O_APPEND != 0))\n"
          + "os.close(fd)\nprint(found)\n");
      assertEquals("[(True, True)]\n", flags);
    }
  }

  @Test
  void aFileOpenedAgainKeepsItsPageCache() throws Exception {
    Layers l = Layers.in(dir, 1);
    Sh.ok("head -c 4M /dev/urandom > " + l.lower(1).resolve("f"));
    try (OverlayMount m = l.mount()) {
      Sh.ok("cat " + l.m("f") + " > /dev/null");
      assertEquals("1024", Sh.ok("fincore --noheadings --output PAGES " + l.m("f")).strip());
    }
  }

  /**
   * Hard-linked names are separate kernel inodes under jnr-fuse's path API: a write through one
   * must drop what the other's page cache holds at its next open, however soon.
   */
  @Test
  void aWriteThroughOneHardLinkReachesTheNextReadOfTheOther() throws Exception {
    Layers l = Layers.in(dir, 1);
    try (OverlayMount m = l.mount()) {
      Sh.ok("printf aaaa > " + l.m("f") + "; ln " + l.m("f") + " " + l.m("g") + "; cat " + l.m("g") + " > /dev/null");
      assertEquals("bbbb", Sh.ok("printf bbbb > " + l.m("f") + "; cat " + l.m("g")));
      assertEquals("cccc", Sh.ok("printf cccc | dd of=" + l.m("f") + " conv=notrunc status=none; cat " + l.m("g")));
    }
  }

  @Test
  void sparseFilesStaySparse() throws Exception {
    Layers l = Layers.in(dir, 1);
    try (OverlayMount m = l.mount()) {
      Sh.ok("cd " + l.mnt + "; truncate -s 1G sparse; printf data | dd of=sparse bs=1 seek=536870912 conv=notrunc status=none");
      assertEquals("1073741824\n", Sh.ok("stat -c %s " + l.m("sparse")));
      assertEquals("data", Sh.ok("dd if=" + l.m("sparse") + " bs=1 skip=536870912 count=4 status=none"));
      assertEquals("", Sh.ok("dd if=" + l.m("sparse") + " bs=4096 count=1 status=none | tr -d '\\0'"));
    }
    long kib = Long.parseLong(Sh.ok("du -k " + l.upper.resolve("sparse") + " | cut -f1").strip());
    assertTrue(kib < 1024, "the backing file allocates only what was written: " + kib + " KiB");
  }
}
