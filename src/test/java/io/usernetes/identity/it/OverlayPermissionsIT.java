package io.usernetes.identity.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Permission semantics through the mount, as the kernel would enforce them on a local disk. */
class OverlayPermissionsIT {
  @TempDir Path dir;

  private static String as(String user, String command) {
    return "setpriv --reuid " + user + " --regid " + user + " --clear-groups sh -c '" + command + "'";
  }

  @Test
  void ownersGroupsStickyDirectoriesAndSetuidBits() throws Exception {
    Layers l = Layers.in(dir, 1);
    Sh.ok("chmod 0755 " + dir + "; cd " + l.lower(1) + "; echo root > rootfile; mkdir -m 1777 tmp; "
        + "echo x > tmp/theirs; chown 1000:1000 tmp/theirs; echo run > tool; chown 1000:1000 tool; chmod 4755 tool");
    try (OverlayMount m = l.mount()) {
      // a user cannot give away or take files; root can
      assertEquals("1\n", Sh.ok(as("1000", "chown 1000 " + l.m("rootfile") + " 2>/dev/null; echo $?")));
      assertEquals("1\n", Sh.ok(as("1000", "chown 2000 " + l.m("tool") + " 2>/dev/null; echo $?")));
      // sticky directory: another user cannot delete or rename what is not theirs
      assertEquals("1\n", Sh.ok(as("2000", "rm -f " + l.m("tmp/theirs") + " 2>/dev/null; echo $?")));
      assertEquals("0\n", Sh.ok(as("1000", "rm " + l.m("tmp/theirs") + "; echo $?")));
      // writing to a setuid file as its (non-root) owner clears the setuid bit, as the kernel does
      assertEquals("4755\n", Sh.ok("stat -c %a " + l.m("tool")));
      Sh.ok(as("1000", "echo more >> " + l.m("tool")));
      assertEquals("755\n", Sh.ok("stat -c %a " + l.m("tool")));
      // the lower layer is never touched
      assertEquals("4755\nrun\n", Sh.ok("stat -c %a " + l.lower(1).resolve("tool") + "; cat "
          + l.lower(1).resolve("tool")));
    }
  }
}
