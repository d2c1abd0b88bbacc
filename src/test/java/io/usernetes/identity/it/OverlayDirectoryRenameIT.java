package io.usernetes.identity.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A directory of the upper layer alone renamed over an empty directory that lower layers have
 * (merged, lower-only, or opaque above a lower one) replaces it, as in the kernel overlay: the same
 * errors, the same merged tree before and after a remount, the same upper layer, in which the
 * moved directory is opaque.
 */
class OverlayDirectoryRenameIT {
  @TempDir Path dir;

  private static final String LAYER = "mkdir -p l1/t l1/e l1/full l1/lowdir l1/o l1/p/q l1/w\n"
      + "echo a > l1/t/a; echo b > l1/t/b; echo f > l1/full/f; echo z > l1/lowdir/z; echo o > l1/o/ofile\n"
      + "echo k > l1/p/q/k; echo w > l1/w/wf\n";

  /** The merged tree, every directory with its subdirectories and files. */
  private static final String TREE = "for d, dirs, files in sorted(os.walk(mnt)):\n"
      + "    print(os.path.relpath(d, mnt), sorted(dirs), sorted(files))\n";

  private static final String OPERATIONS = "import shutil\n"
      + "def r(what, a, b): print(what, e(lambda: os.rename(mnt + a, mnt + b)))\n"
      + "def made(d, f): os.mkdir(mnt + d); open(mnt + d + b'/' + f, 'w').close()\n"
      + "os.unlink(mnt + b'/t/a'); os.unlink(mnt + b'/t/b'); made(b'/n1', b'x'); r('merged', b'/n1', b'/t')\n"
      + "os.mkdir(mnt + b'/n2'); r('lower-only', b'/n2', b'/e')\n"
      + "os.mkdir(mnt + b'/n3'); r('not-empty', b'/n3', b'/full'); r('lower-source', b'/lowdir', b'/n3')\n"
      + "shutil.rmtree(mnt + b'/o'); os.mkdir(mnt + b'/o'); made(b'/n5', b'y'); r('opaque', b'/n5', b'/o')\n"
      + "os.unlink(mnt + b'/p/q/k'); made(b'/p/new', b'n'); r('nested', b'/p/new', b'/p/q')\n"
      + "shutil.rmtree(mnt + b'/w'); made(b'/n6', b'v'); r('whiteout', b'/n6', b'/w')\n"
      + "os.mkdir(mnt + b'/n7'); r('onto-file', b'/n7', b'/full/f')\n"
      + TREE;

  @Test
  void anUpperDirectoryReplacesAnEmptyDirectoryWithLowerContentAndHidesIt() throws Exception {
    Layers ours = Layers.in(Files.createDirectory(dir.resolve("ours")), 1);
    Layers kernel = Layers.in(Files.createDirectory(dir.resolve("kernel")), 1);
    Sh.ok("cd " + ours.root + "; " + LAYER + "cd " + kernel.root + "; " + LAYER);
    String expected;
    try (KernelOverlay k = KernelOverlay.mount(kernel)) {
      expected = KernelOverlay.python(kernel.mnt, OPERATIONS);
    }
    try (KernelOverlay k = KernelOverlay.mount(kernel)) {
      expected += KernelOverlay.python(kernel.mnt, TREE);
    }
    String actual;
    try (OverlayMount m = ours.mount()) {
      actual = KernelOverlay.python(ours.mnt, OPERATIONS);
    }
    try (OverlayMount m = ours.mount()) {
      actual += KernelOverlay.python(ours.mnt, TREE);
    }
    assertEquals(expected, actual);
    assertEquals(KernelOverlay.upper(kernel, 1), KernelOverlay.upper(ours, 1));
  }
}
