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
