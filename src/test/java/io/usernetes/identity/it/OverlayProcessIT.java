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
 * daemon (the namespace's mount service) that ends with its last mount. (Every mount of the suite goes through {@link OverlayMount},
 * which checks readiness, the pipes and exit after fusermount3 -u.)
 */
class OverlayProcessIT {
  @TempDir Path dir;

  @Test
  void theDaemonIsDetachedFromTheCallersDescriptorsAndSession() throws Exception {
    Layers l = Layers.in(dir, 1);
    try (OverlayMount m = l.mount()) {
      for (int fd = 0; fd <= 1; fd++) {
        assertEquals("/dev/null", Files.readSymbolicLink(Path.of("/proc/" + m.daemon + "/fd/" + fd)).toString());
      }
      // the mount service's stderr is its log, where libfuse's own messages land
      assertEquals("/var/log/usernetes-identity/usernetes-identity.log",
          Files.readSymbolicLink(Path.of("/proc/" + m.daemon + "/fd/2")).toString());
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
  void mountsOfOneNamespaceShareOneServiceAndStayIndependent() throws Exception {
    Layers a = Layers.in(Files.createDirectory(dir.resolve("a")), 1);
    Layers b = Layers.in(Files.createDirectory(dir.resolve("b")), 1);
    try (OverlayMount ma = a.mount(); OverlayMount mb = b.mount()) {
      Sh.ok("touch " + a.m("only-a"));
      assertEquals("", Sh.ok("ls " + b.mnt));
      assertEquals(ma.daemon, mb.daemon, "one mount service serves both");
      assertEquals(List.of(ma.daemon), OverlayMount.services().toList());
    }
  }

  @Test
  void withTheServiceOffEachMountHasAJvmOfItsOwn() throws Exception {
    Layers a = Layers.in(Files.createDirectory(dir.resolve("a")), 1);
    Layers b = Layers.in(Files.createDirectory(dir.resolve("b")), 1);
    List<String> off = List.of("USERNETES_IDENTITY_MOUNT_SERVICE=off");
    try (OverlayMount ma = OverlayMount.mount(off, "-o", a.options(), a.mnt.toString());
        OverlayMount mb = OverlayMount.mount(off, "-o", b.options(), b.mnt.toString())) {
      Sh.ok("touch " + a.m("only-a"));
      assertEquals("", Sh.ok("ls " + b.mnt));
      assertTrue(ma.daemon != mb.daemon);
      assertEquals(List.of(), OverlayMount.services().toList(), "no mount service");
    }
  }
}
