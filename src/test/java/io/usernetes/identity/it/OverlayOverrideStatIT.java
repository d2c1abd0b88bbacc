package io.usernetes.identity.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Lower layers containers-storage unpacked with {@code force_mask}: every file is owned by the
 * storage user and carries its real owner and mode in {@code user.containers.override_stat}.
 */
class OverlayOverrideStatIT {
  @TempDir Path dir;

  @Test
  void theOverrideIsWhatTheMountShowsAndCopyUpMakesItReal() throws Exception {
    Layers l = Layers.in(dir, 1);
    Path lower = l.lower(1);
    Sh.ok("cd " + lower + "\n"
        + "setfattr -n user.containers.override_stat -v 0:0:0755:dir .\n"
        + "echo data > tool; chmod 0600 tool; setfattr -n user.containers.override_stat -v 60000:60000:4755 tool\n"
        + "echo data > garbage; setfattr -n user.containers.override_stat -v 60000:x:0777 garbage\n");
    try (OverlayMount m = l.mount()) {
      assertEquals("60000:60000 4755\n", Sh.ok("stat -c '%u:%g %a' " + l.m("tool")));
      assertEquals("0:0 644\n", Sh.ok("stat -c '%u:%g %a' " + l.m("garbage")), "a malformed override is ignored");
      // the override stays visible (it is not one of the hidden namespaces), as on fuse-overlayfs
      assertEquals("60000:60000:4755\n",
          Sh.ok("getfattr --only-values -n user.containers.override_stat " + l.m("tool") + "; echo"));
      Sh.ok("echo more >> " + l.m("tool"));
      assertEquals("60000:60000\n", Sh.ok("stat -c %u:%g " + l.m("tool")));
    }
    // the copy in the upper layer has the pool id, the record and the mode for real
    assertEquals("1633:1633 4755\n", Sh.ok("stat -c '%u:%g %a' " + l.upper.resolve("tool")));
    assertEquals("60000\n", Sh.ok("getfattr --only-values -n user.usernetes.uid " + l.upper.resolve("tool") + "; echo"));
  }
}
