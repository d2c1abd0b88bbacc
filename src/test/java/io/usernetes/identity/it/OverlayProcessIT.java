package io.usernetes.identity.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The process contract podman relies on: exit 0 only once mounted, pipes released, a detached
 * daemon that ends with its mount. (Every mount of the suite goes through {@link OverlayMount},
 * which checks readiness, the pipes and exit after fusermount3 -u.)
 */
class OverlayProcessIT {
  @TempDir Path dir;

  @Test
  void theDaemonIsDetachedFromTheCallersDescriptorsAndSession() throws Exception {
    Layers l = Layers.in(dir, 1);
    try (OverlayMount m = l.mount()) {
      for (int fd = 0; fd <= 2; fd++) {
        assertEquals("/dev/null", Files.readSymbolicLink(Path.of("/proc/" + m.daemon + "/fd/" + fd)).toString());
      }
      String stat = Files.readString(Path.of("/proc/" + m.daemon + "/stat"));
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      assertEquals(Long.toString(m.daemon), f[3], "the daemon leads its own session");
    }
  }

  @Test
  void theDaemonExitsWhenTheMountIsUnmountedWithUmount() throws Exception {
    Layers l = Layers.in(dir, 1);
    OverlayMount m = l.mount();
    Sh.ok("umount " + l.mnt);
    assertTrue(OverlayMount.awaitExit(m.daemon, 20), "daemon exits after umount");
    assertTrue(OverlayMount.nothingMountedUnder(dir));
  }

  @Test
  void sigtermUnmountsCleanly() throws Exception {
    Layers l = Layers.in(dir, 1);
    OverlayMount m = l.mount();
    Sh.ok("echo data > " + l.m("f"));
    Sh.ok("kill -TERM " + m.daemon);
    assertTrue(OverlayMount.awaitExit(m.daemon, 20), "daemon exits on SIGTERM");
    assertTrue(OverlayMount.nothingMountedUnder(dir), "and takes its mount with it");
    assertEquals("data\n", Sh.ok("cat " + l.upper.resolve("f")));
    try (OverlayMount again = l.mount()) {
      assertEquals("data\n", Sh.ok("cat " + l.m("f")), "the layers can be mounted again");
    }
  }

  @Test
  void mountsAreReadyQuicklyAndIndependent() throws Exception {
    Layers a = Layers.in(Files.createDirectory(dir.resolve("a")), 1);
    Layers b = Layers.in(Files.createDirectory(dir.resolve("b")), 1);
    long start = System.nanoTime();
    try (OverlayMount ma = a.mount(); OverlayMount mb = b.mount()) {
      long perMount = (System.nanoTime() - start) / 2_000_000;
      assertTrue(perMount < 5000, "mount ready in " + perMount + " ms");
      Sh.ok("touch " + a.m("only-a"));
      assertEquals("", Sh.ok("ls " + b.mnt));
      assertTrue(ma.daemon != mb.daemon);
    }
  }
}
