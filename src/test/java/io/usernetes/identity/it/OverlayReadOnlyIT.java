package io.usernetes.identity.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A mount without upperdir: the layers merge and nothing can change. */
class OverlayReadOnlyIT {
  @TempDir Path dir;

  @Test
  void readsWorkAndEveryWriteIsErofs() throws Exception {
    Layers l = Layers.in(dir, 2);
    Sh.ok("cd " + dir + "; echo 1 > l1/a; echo 2 > l2/b; mkdir l2/d; touch l1/.wh.gone; echo 2 > l2/gone");
    try (OverlayMount m = l.mountReadOnly()) {
      assertEquals("a b d\n1\n2\n", Sh.ok("cd " + l.mnt + "; ls | xargs; cat a b"));
      String a = l.m("a");
      for (String write : new String[] {
          "open('" + a + "', 'a')", "open('" + l.m("new") + "', 'w')", "os.mkdir('" + l.m("n") + "')",
          "os.unlink('" + a + "')", "os.rmdir('" + l.m("d") + "')", "os.rename('" + a + "', '" + l.m("z") + "')",
          "os.chmod('" + a + "', 0o600)", "os.chown('" + a + "', 1, 1)", "os.utime('" + a + "', (1, 1))",
          "os.truncate('" + a + "', 0)", "os.symlink('a', '" + l.m("s") + "')", "os.link('" + a + "', '" + l.m("h") + "')",
          "os.setxattr('" + a + "', 'user.x', b'1')", "os.mkfifo('" + l.m("p") + "')"}) {
        assertEquals("EROFS", Sh.errno(write), write);
      }
      assertEquals("ro\n", Sh.ok("findmnt -n -o OPTIONS " + l.mnt + " | tr , '\\n' | grep -x ro"));
    }
    assertEquals("", Sh.ok("find " + l.upper + " " + l.work + " -mindepth 1"));
  }
}
