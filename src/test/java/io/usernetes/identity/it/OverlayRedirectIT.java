package io.usernetes.identity.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Layers the kernel overlay wrote with {@code redirect_dir=on} (renamed directories that carry
 * {@code trusted.overlay.redirect}, whiteouts at their old names) read through the mount as
 * through the kernel overlay: the same merged tree with the written layer as the upper one or
 * as a lower one, the same results of operations on it, and layers the kernel overlay still
 * reads the same afterwards.
 */
class OverlayRedirectIT {
  @TempDir Path dir;

  private static final String LOWER = "mkdir -p l1/a/sub/deep l1/b l1/x/y l1/q/r\n"
      + "echo 1 > l1/a/f1; echo 2 > l1/a/f2; echo 3 > l1/a/f3; echo g > l1/a/sub/g; echo h > l1/a/sub/deep/h\n"
      + "echo b > l1/b/bf; echo y > l1/x/y/yf; echo r > l1/q/r/rf\n";

  /** Renames the kernel overlay makes with redirects: absolute, relative (same parent), nested. */
  private static final String RENAMES = "cd $MNT\n"
      + "mv a b/c\n" // /a, and a whiteout at a
      + "mv b/c/sub sub2\n" // out of a renamed directory: /a/sub
      + "mv x/y x/z\n" // in the same directory: a relative redirect, y
      + "mkdir a; echo new > a/n\n" // a new directory where a renamed one was: opaque
      + "rm b/c/f1\n" // a whiteout in a renamed directory
      + "echo more >> b/c/f2\n" // a copy-up into one
      + "mv q/r q/r2; mv q q2\n" // a renamed directory inside a renamed directory
      + "mv sub2/deep deep2\n";

  /** Every directory with its subdirectories, and every file with its contents. */
  private static final String TREE = "for d, dirs, files in sorted(os.walk(mnt)):\n"
      + "    print(os.path.relpath(d, mnt), sorted(dirs), [(f, open(os.path.join(d, f), 'rb').read())"
      + " for f in sorted(files)])\n";

  private static final String OPERATIONS = "import shutil\n"
      + "print('rename merged', e(lambda: os.rename(mnt + b'/b/c', mnt + b'/d')))\n"
      + "print('listdir', sorted(os.listdir(mnt + b'/b/c')))\n"
      + "print('stat old name', e(lambda: os.stat(mnt + b'/sub2/deep')))\n"
      + "print('nlink', os.stat(mnt + b'/b/c').st_nlink, os.stat(mnt + b'/x/z').st_nlink)\n"
      + "os.unlink(mnt + b'/b/c/f2'); os.unlink(mnt + b'/b/c/f3')\n"
      + "open(mnt + b'/b/c/new', 'w').write('n'); os.mkdir(mnt + b'/b/c/nd')\n"
      + "open(mnt + b'/x/z/yf', 'a').write('+')\n"
      + "os.rename(mnt + b'/q2/r2/rf', mnt + b'/rf')\n"
      + "shutil.rmtree(mnt + b'/sub2'); shutil.rmtree(mnt + b'/deep2/')\n"
      + "print('rmdir', e(lambda: os.rmdir(mnt + b'/q2/r2')))\n"
      + TREE;

  /** Moving renamed directories again, and back. */
  private static final String MORE_RENAMES = "cd $MNT\n"
      + "mv b/c a2; mv a2 b/c2\n"
      + "mv x/z x/y\n"
      + "mv deep2 a/deep3\n";

  /** Copies the layers {@code from} wrote into fresh layers in {@code name}. */
  private Layers copy(Layers from, String name) throws Exception {
    Layers to = Layers.in(Files.createDirectory(dir.resolve(name)), 1);
    Sh.ok("cp -a " + from.lower(1) + "/. " + to.lower(1) + " && cp -a " + from.upper + "/. " + to.upper);
    return to;
  }

  private static String kernelTree(Layers l, String options) throws Exception {
    try (KernelOverlay k = KernelOverlay.mount(l.mnt, options + ",redirect_dir=follow")) {
      return KernelOverlay.python(l.mnt, TREE);
    }
  }

  @Test
  void layersTheKernelOverlayRenamedDirectoriesInReadTheSame() throws Exception {
    Layers built = Layers.in(Files.createDirectory(dir.resolve("built")), 1);
    Sh.ok("cd " + built.root + "; " + LOWER);
    try (KernelOverlay k = KernelOverlay.mount(built.mnt, built.options() + ",redirect_dir=on")) {
      Sh.ok("MNT=" + built.mnt + "; " + RENAMES);
    }
    assertTrue(Sh.ok("getfattr --absolute-names -n trusted.overlay.redirect --only-values " + built.upper + "/b/c")
        .contains("/a"), "the kernel overlay wrote a redirect");

    // the written layer as the upper one, then as a lower one over the first (read-only)
    Layers kernel = copy(built, "kernel");
    Layers ours = copy(built, "ours");
    String upperAndLower = kernelTree(kernel, kernel.options());
    String lowerOnly = "lowerdir=" + kernel.upper + ":" + kernel.lower(1);
    assertEquals(upperAndLower, kernelTree(kernel, lowerOnly), "the same tree either way");
    assertTrue(upperAndLower.contains("b'b/c' [] [(b'f2', b'2\\nmore\\n'), (b'f3', b'3\\n')]"), upperAndLower);
    assertTrue(upperAndLower.contains("b'deep2' [] [(b'h', b'h\\n')]"), upperAndLower);
    try (OverlayMount m = ours.mount()) {
      assertEquals(upperAndLower, KernelOverlay.python(ours.mnt, TREE), "with the written layer as upper");
    }
    try (OverlayMount m = OverlayMount.mount(List.of(), "-o", "lowerdir=" + ours.upper + ":" + ours.lower(1),
        ours.mnt.toString())) {
      assertEquals(upperAndLower, KernelOverlay.python(ours.mnt, TREE), "with the written layer as lower");
    }

    String expected;
    try (KernelOverlay k = KernelOverlay.mount(kernel.mnt, kernel.options() + ",redirect_dir=follow")) {
      expected = KernelOverlay.python(kernel.mnt, OPERATIONS);
    }
    String actual;
    try (OverlayMount m = ours.mount()) {
      actual = KernelOverlay.python(ours.mnt, OPERATIONS);
    }
    assertEquals(expected, actual);
    // what the mount wrote on top of the kernel's redirects, the kernel overlay reads the same
    assertEquals(kernelTree(kernel, kernel.options()), kernelTree(ours, ours.options()));
  }

  @Test
  void withRedirectDirOnDirectoriesWithLowerContentMoveAsOnTheKernelOverlay() throws Exception {
    Layers kernel = Layers.in(Files.createDirectory(dir.resolve("kernel")), 1);
    Layers ours = Layers.in(Files.createDirectory(dir.resolve("ours")), 1);
    Sh.ok("cd " + kernel.root + "; " + LOWER + "cd " + ours.root + "; " + LOWER);
    String expected;
    try (KernelOverlay k = KernelOverlay.mount(kernel.mnt, kernel.options() + ",redirect_dir=on")) {
      Sh.ok("MNT=" + kernel.mnt + "; " + RENAMES + MORE_RENAMES);
      expected = KernelOverlay.python(kernel.mnt, TREE);
    }
    String actual;
    try (OverlayMount m = OverlayMount.mount(List.of(), "-o", ours.options() + ",redirect_dir=on", ours.mnt.toString())) {
      Sh.ok("MNT=" + ours.mnt + "; " + RENAMES + MORE_RENAMES);
      actual = KernelOverlay.python(ours.mnt, TREE);
    }
    assertEquals(expected, actual);
    // the opaque marker file the mount writes beside the xattr (for fuse-overlayfs) is a plain
    // file to the kernel overlay
    assertEquals(expected, kernelTree(ours, ours.options()).replace("(b'.wh..wh..opq', b''), ", ""),
        "the kernel overlay reads the mount's redirects");
    assertEquals(KernelOverlay.upper(kernel, 1), KernelOverlay.upper(ours, 1));
    String redirects = redirects(kernel);
    assertTrue(redirects.contains("x/y y\n") && redirects.contains("b/c2 /a\n"), redirects);
    assertEquals(redirects, redirects(ours), "the same redirects, relative where the kernel's are");
  }

  /** Every directory of the upper layer that has a redirect, and the redirect. */
  private static String redirects(Layers l) throws Exception {
    return KernelOverlay.python(l.upper, "out = []\n"
        + "for d, dirs, files in os.walk(mnt):\n"
        + "    for n in dirs:\n"
        + "        p = os.path.join(d, n)\n"
        + "        for x in (b'trusted.overlay.redirect', b'user.overlay.redirect'):\n"
        + "            try:\n"
        + "                out.append('%s %s' % (os.path.relpath(p, mnt).decode(), os.getxattr(p, x).decode()))\n"
        + "            except OSError:\n"
        + "                pass\n"
        + "print('\\n'.join(sorted(out)))\n");
  }
}
