package io.usernetes.identity.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
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

  @Test
  void aDirectorySwappedForASymlinkWhileMountedIsNotFollowed() throws Exception {
    Layers l = Layers.in(dir, 1);
    Path outside = dir.resolve("outside");
    Sh.ok("mkdir " + outside + " " + l.lower(1).resolve("d") + "; echo x > " + l.lower(1).resolve("d/f"));
    try (OverlayMount m = l.mount()) {
      Sh.ok("cat " + l.m("d/f") + "; mkdir -p " + l.m("d/sub") + "; ls " + l.m("d"));
      // behind the mount's back, the upper directory becomes a symlink to the outside
      Sh.ok("mv " + l.upper.resolve("d") + " " + dir.resolve("moved") + "; ln -s " + outside + " " + l.upper.resolve("d"));
      for (String attempt : new String[] {
          "open('" + l.m("d/new") + "', 'w')", "os.mkdir('" + l.m("d/sub/x") + "')",
          "os.chown('" + l.m("d/f") + "', 60000, 60000)", "os.setxattr('" + l.m("d/f") + "', 'user.x', b'1')",
          "os.symlink('/', '" + l.m("d/link") + "')", "os.rename('" + l.m("d/f") + "', '" + l.m("d/g") + "')"}) {
        Sh.errno(attempt); // the errno depends on what the kernel cached; that nothing escapes does not
      }
    }
    assertEquals("", Sh.ok("ls -A " + outside), "nothing was created outside the layers");
    assertEquals("0:0\n", Sh.ok("stat -c %u:%g " + outside));
  }
}
