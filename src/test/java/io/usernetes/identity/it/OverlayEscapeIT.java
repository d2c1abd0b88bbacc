package io.usernetes.identity.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Symlinks in layers never lead the daemon outside them: whatever a layer holds (absolute links,
 * {@code ..}, loops) or someone swaps in while the mount is live, the daemon resolves paths below
 * each layer root without following a symlink, so the outside stays untouched.
 */
class OverlayEscapeIT {
  @TempDir Path dir;

  @Test
  void linksInTheLayersAreObjectsNotPaths() throws Exception {
    Layers l = Layers.in(dir, 1);
    Path outside = dir.resolve("outside");
    Sh.ok("mkdir " + outside + "; echo secret > " + outside + "/file; cd " + l.lower(1) + "; "
        + "ln -s " + outside + " abs; ln -s .. up; ln -s loop loop; mkdir d");
    try (OverlayMount m = l.mount()) {
      // operations on the links themselves change the links (in the upper layer), not targets
      Sh.ok("cd " + l.mnt + "; chown -h 60000:60000 abs up loop; touch -h abs");
      assertEquals("0:0\n", Sh.ok("stat -c %u:%g " + outside));
      assertEquals("EPERM", Sh.errno("os.setxattr('" + l.m("abs") + "', 'user.x', b'1', follow_symlinks=False)"));
      assertEquals("ELOOP", Sh.errno("open('" + l.m("loop") + "')"));
    }
    assertEquals("secret\n", Sh.ok("cat " + outside + "/file"));
    assertEquals("", Sh.ok("getfattr -d " + outside + " " + outside + "/file"));
  }

  /**
   * A layer directory swapped for a symlink to the outside while mounted: the daemon knows the
   * directory lives in the upper layer but has never opened it, so the next write below it makes
   * the daemon resolve it there. The mount may then show a symlink, which a caller on the host
   * could follow itself; so the caller here is uid 1000, for whom the outside is closed (0700
   * root). Only the daemon, running as root, could write there.
   */
  @Test
  void aDirectorySwappedForASymlinkWhileMountedIsNotFollowedByTheDaemon() throws Exception {
    Layers l = Layers.in(dir, 1);
    Path outside = dir.resolve("outside");
    Sh.ok("chmod 0755 " + dir + "; mkdir -m 0700 " + outside);
    try (OverlayMount m = l.mount()) {
      Sh.ok("mkdir -p -m 0777 " + l.m("d/a/b/c") + "; chmod 0777 " + l.m("d") + " " + l.m("d/a") + " " + l.m("d/a/b"));
      Sh.ok("rmdir " + l.upper.resolve("d/a/b/c") + "; ln -s " + outside + " " + l.upper.resolve("d/a/b/c"));
      String c = l.m("d/a/b/c");
      String attempts = String.join("; ", "touch " + c + "/new", "mkdir " + c + "/sub", "ln -s / " + c + "/link",
          "mknod " + c + "/p p", "echo x > " + c + "/f", "setfattr -n user.x -v 1 " + c);
      Sh.exec(List.of("setpriv", "--reuid", "1000", "--regid", "1000", "--clear-groups", "sh", "-c", attempts));
    }
    assertEquals("", Sh.ok("ls -A " + outside), "nothing was created outside the layers");
    assertEquals("0:0\n", Sh.ok("stat -c %u:%g " + outside));
    assertEquals("", Sh.ok("getfattr -d " + outside));
  }
}
