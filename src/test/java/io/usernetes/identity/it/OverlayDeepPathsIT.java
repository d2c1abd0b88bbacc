package io.usernetes.identity.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Trees deeper than any single path: the kernel overlay works by directory, so operations
 * relative to a directory work at any depth, and so must the mount's. The same script runs on
 * the same layers through the mount and through the kernel overlay, and both must say the same.
 */
class OverlayDeepPathsIT {
  /** 30 directories of 200 bytes each in the lower layer: a 6,030-byte path to its files. */
  private static final String LOWER = "import os, sys\nos.chdir(sys.argv[1])\n"
      + "for i in range(30):\n    os.mkdir('d' * 200); os.chdir('d' * 200)\n"
      + "open('low', 'w').write('x'); open('low2', 'w').write('y')\n";

  /**
   * Walks down by relative names (no path longer than a name), then works there: lower files
   * read, copied up, removed; 12 more levels made (8,442 bytes from the root); then rm -rf of it
   * all, which goes back up by ".." once the tree is deeper than its descriptors and checks each
   * directory's inode against what it saw on the way down.
   */
  private static final String OPERATIONS = "import os, errno, subprocess, sys\n"
      + "os.chdir(sys.argv[1])\n"
      + "def e(what, f):\n"
      + "    try:\n        r = f(); print(what, 'ok' if r is None else r)\n"
      + "    except OSError as x:\n        print(what, errno.errorcode[x.errno])\n"
      + "for i in range(30):\n    os.chdir('d' * 200)\n"
      + "e('read lower', lambda: open('low').read())\n"
      + "e('append (copy-up)', lambda: open('low', 'a').write('more') and None)\n"
      + "e('read again', lambda: open('low').read())\n"
      + "e('unlink lower', lambda: os.unlink('low2'))\n"
      + "e('stat gone', lambda: os.stat('low2'))\n"
      + "for i in range(12):\n    os.mkdir('e' * 200); os.chdir('e' * 200)\n"
      + "e('create deepest', lambda: open('f', 'w').write('z') and None)\n"
      + "e('symlink', lambda: os.symlink('f', 's'))\n"
      + "e('readlink', lambda: os.readlink('s'))\n"
      + "e('rename', lambda: os.rename('f', 'g'))\n"
      + "e('chmod', lambda: os.chmod('g', 0o600))\n"
      + "e('setxattr', lambda: os.setxattr('g', 'user.x', b'1'))\n"
      + "e('getxattr', lambda: os.getxattr('g', 'user.x'))\n"
      + "e('link', lambda: os.link('g', 'h'))\n"
      + "e('listdir', lambda: sorted(os.listdir('.')))\n"
      + "e('mode', lambda: oct(os.stat('g').st_mode))\n"
      + "os.chdir(sys.argv[1])\n"
      + "r = subprocess.run(['rm', '-rf', 'd' * 200], capture_output=True, text=True)\n"
      + "print('rm -rf', r.returncode, r.stderr.strip()[-60:])\n"
      + "print('left', os.listdir('.'))\n";

  @TempDir Path dir;

  /** JUnit deletes its directory by absolute paths, which cannot name these files; rm can. */
  @AfterEach
  void removeTheDeepTrees() throws Exception {
    Sh.ok("rm -rf " + dir + "/*");
  }

  private String run(String script, Path at) throws Exception {
    Path file = Files.writeString(dir.resolve("script.py"), script);
    return Sh.ok("python3 " + file + " " + at);
  }

  @Test
  void aTreeDeeperThanAnyPathWorksAsOnTheKernelOverlayAndRmRfRemovesIt() throws Exception {
    Layers ours = Layers.in(Files.createDirectory(dir.resolve("ours")), 1);
    Layers kernel = Layers.in(Files.createDirectory(dir.resolve("kernel")), 1);
    run(LOWER, ours.lower(1));
    run(LOWER, kernel.lower(1));
    String expected;
    try (KernelOverlay k = KernelOverlay.mount(kernel)) {
      expected = run(OPERATIONS, kernel.mnt);
    }
    assertTrue(expected.contains("rm -rf 0 \nleft []\n"), "the kernel overlay removes it all:\n" + expected);
    try (OverlayMount m = ours.mount()) {
      assertEquals(expected, run(OPERATIONS, ours.mnt));
    }
  }
}
