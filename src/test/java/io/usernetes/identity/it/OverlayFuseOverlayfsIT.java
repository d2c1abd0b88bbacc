package io.usernetes.identity.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The same operations on the same layers through usernetes-identity and through fuse-overlayfs
 * give the same merged tree, the same errors and the same upper layer on disk.
 */
class OverlayFuseOverlayfsIT {
  @TempDir Path dir;

  private static final String LAYERS = "mkdir -p l2/d/sub l2/keep l1/d l2/opq; echo 2 > l2/f; echo 2 > l2/gone; echo 2 > l2/d/x\n"
      + "echo 1 > l1/d/y; echo 2 > l2/keep/k; echo 2 > l2/opq/o; echo 2 > l2/mv; touch l1/.wh.hidden; echo 2 > l2/hidden\n"
      + "chmod 0750 l2/d; touch -d '2001-01-01' l2/f l2/d\n";

  private static final String OPERATIONS = "cd \"$1\"\n"
      + "e() { python3 -c \"import os, errno, sys\ntry:\n    $1\n    print('ok')\nexcept OSError as x:\n    print(errno.errorcode[x.errno])\"; }\n"
      + "echo more >> f; rm gone; rm -r opq; mkdir opq; touch opq/new; mv mv moved; ln f hard; ln -s f sym\n"
      + "mkfifo fifo; chmod 0600 moved; truncate -s 1 d/x; setfattr -n user.x -v 1 d/y; mkdir -p up/a; mv up up2\n"
      + "rm d/sub -r\n"
      + "e \"os.rmdir('d')\"; e \"os.rename('keep', 'keep2')\"; e \"os.rename('up2', 'up3')\"\n"
      + "e \"open('.wh.x', 'w')\"; e \"os.stat('hidden')\"; e \"os.unlink('d')\"; e \"os.mkdir('f')\"\n"
      + "e \"os.rename('f', 'd')\"; e \"os.rename('d', 'f')\"; e \"os.rmdir('missing')\"; e \"os.link('d', 'dl')\"\n"
      // directory link counts differ: fuse-overlayfs counts merged subdirectories, we report the
      // upper directory's own count
      + "(find . -type d -printf '%P %y %m\\n'; find . ! -type d -printf '%P %y %m %s %n\\n') | sort\n"
      + "find . -type f -exec md5sum {} + | sort -k2\n"
      + "getfattr -d -m '^user\\.' d/y | grep -v '^#'\n";

  /**
   * The upper layer: names, types, modes and sizes, whiteout devices, and the opacity of the
   * directory that replaced a lower one. Left out: fuse-overlayfs 1.10 also makes directories
   * that hide nothing opaque and leaves a .wh..opq device next to each marker.
   */
  private static final String UPPER = "cd \"$1\"; find . -printf '%P %y %m %s\\n' | grep -v '\\.wh\\.\\.' | sort\n"
      + "for d in opq d; do echo $d $(getfattr --only-values -n trusted.overlay.opaque $d 2>/dev/null)"
      + " $(test -f $d/.wh..wh..opq && echo marker); done\n"
      + "find . -type c ! -name .wh..opq -printf '%P ' -exec stat -c '%t:%T' {} \\; | sort\n";

  private static String run(String script, Path at) throws Exception {
    return Sh.ok("f() {\n" + script + "\n}; f " + at);
  }

  @Test
  void theSameOperationsGiveTheSameTreeErrorsAndUpperLayer() throws Exception {
    Layers ours = Layers.in(Files.createDirectory(dir.resolve("ours")), 2);
    Layers theirs = Layers.in(Files.createDirectory(dir.resolve("theirs")), 2);
    Sh.ok("cd " + ours.root + "; " + LAYERS + "cd " + theirs.root + "; " + LAYERS);
    String expected;
    Sh.ok("fuse-overlayfs -o " + theirs.options() + " " + theirs.mnt);
    try {
      expected = run(OPERATIONS, theirs.mnt);
    } finally {
      Sh.ok("fusermount3 -u " + theirs.mnt);
    }
    String actual;
    try (OverlayMount m = ours.mount()) {
      actual = run(OPERATIONS, ours.mnt);
    }
    assertEquals(expected, actual);
    assertEquals(run(UPPER, theirs.upper), run(UPPER, ours.upper));
  }
}
