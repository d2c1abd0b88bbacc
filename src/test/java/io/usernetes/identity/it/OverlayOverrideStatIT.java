package io.usernetes.identity.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Layers containers-storage stores with {@code force_mask}: every file is owned by the storage
 * user and carries its real owner and mode in {@code user.containers.override_stat}, an input the
 * container must never be able to write.
 */
class OverlayOverrideStatIT {
  @TempDir Path dir;

  private static String as(String user, String command) {
    return "setpriv --reuid " + user + " --regid " + user + " --clear-groups sh -c '" + command + "'";
  }

  private static String override(Path p) throws Exception {
    return Sh.ok("getfattr --only-values -n user.containers.override_stat " + p + "; echo");
  }

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
      // the override is the mount's own, like the ownership records: not even listed
      assertEquals("ENODATA", Sh.errno("os.getxattr('" + l.m("tool") + "', 'user.containers.override_stat')"));
      assertEquals("[]\n", Sh.python("import os\nprint(os.listxattr('" + l.m("tool") + "'))"));
      Sh.ok("echo more >> " + l.m("tool"));
      assertEquals("60000:60000\n", Sh.ok("stat -c %u:%g " + l.m("tool")));
    }
    // the copy in the upper layer has the pool id, the record and the mode for real
    assertEquals("1633:1633 4755\n", Sh.ok("stat -c '%u:%g %a' " + l.upper.resolve("tool")));
    assertEquals("60000\n", Sh.ok("getfattr --only-values -n user.usernetes.uid " + l.upper.resolve("tool") + "; echo"));
  }

  @Test
  void noContainerUserCanForgeAnOverrideNorIsAnUnaskedOneBelieved() throws Exception {
    Layers l = Layers.in(dir, 1);
    Sh.ok("chmod 0755 " + dir + "; cp /usr/bin/id " + l.lower(1) + "/tool; chown 1000:1000 " + l.lower(1)
        + "/tool; chmod 0755 " + l.lower(1) + "/tool\n"
        // containers-storage's force_mask marks every layer root, the upper one too
        + "setfattr -n user.containers.override_stat -v 0:0:0755:dir " + l.upper);
    try (OverlayMount m = l.mount()) {
      Sh.Result forged = Sh.bash(as("1000", "setfattr -n user.containers.override_stat -v 0:0:0104755 "
          + l.m("tool")));
      assertNotEquals(0, forged.status(), "the file's owner wrote an override through the mount");
      assertTrue(forged.err().contains("Operation not permitted"), forged.err());
      assertEquals("EPERM", Sh.errno("os.removexattr('" + l.m("tool") + "', 'user.containers.override_stat')"));
    }
    assertEquals("", Sh.ok("ls -A " + l.upper), "a refused setxattr copies nothing up");
    // the same override, written into the upper layer behind the mount's back: without
    // xattr_permissions the mount was not told the upper layer keeps overrides, so it means nothing
    Sh.ok("cp -p " + l.lower(1) + "/tool " + l.upper + "/tool; setfattr -n user.containers.override_stat -v 0:0:0104755 "
        + l.upper + "/tool");
    try (OverlayMount m = l.mount()) {
      assertEquals("1000:1000 755\n", Sh.ok("stat -c '%u:%g %a' " + l.m("tool")));
      assertEquals("1000\n", Sh.ok(as("1000", l.m("tool") + " -u")));
    }
  }

  @Test
  void underXattrPermissionsOwnerAndModeLiveInTheOverride() throws Exception {
    Layers l = Layers.in(dir, 1);
    Path lower = l.lower(1);
    Sh.ok("cd " + lower + "\n"
        + "setfattr -n user.containers.override_stat -v 0:0:0555:dir .\n"
        + "mkdir app; setfattr -n user.containers.override_stat -v 0:0:0755:dir app\n"
        + "echo run > app/tool; setfattr -n user.containers.override_stat -v 60000:60000:0755 app/tool\n"
        // a device node as containers-storage stores one: an empty file naming it
        + "touch app/dev; setfattr -n user.containers.override_stat -v 0:0:0660:char-1-3 app/dev\n");
    List<String> env = List.of();
    String options = l.options() + ",xattr_permissions=2";
    try (OverlayMount m = OverlayMount.mount(env, "-o", options, l.m(""))) {
      assertEquals("0:0 555\n", Sh.ok("stat -c '%u:%g %a' " + l.m("")), "the root has the lower root's override");
      assertEquals("0:0:0555:dir\n", override(l.upper));
      Sh.ok("chown 1000:1000 " + l.m("app/tool") + "; chmod 4755 " + l.m("app/tool") + "\n"
          + "mknod -m 0620 " + l.m("app/tty") + " c 4 1; chown 5:5 " + l.m("app/tty") + "\n"
          + "chown 0:6 " + l.m("app/dev") + "\n"
          + "mkdir -m 0750 " + l.m("app/sub") + "; echo new > " + l.m("app/sub/file"));
      assertEquals("1000:1000 4755 regular file\n"
          + "5:5 620 character special file 4,1\n"
          + "0:6 660 character special file 1,3\n"
          + "0:0 750 directory\n",
          Sh.ok("cd " + l.m("app") + "; stat -c '%u:%g %a %F' tool; stat -c '%u:%g %a %F %t,%T' tty dev; "
              + "stat -c '%u:%g %a %F' sub"));
    }
    Path app = l.upper.resolve("app");
    // the backing objects stay the storage user's (made 0700 plus the object's permissions,
    // never set-id bits); the overrides hold the stored (pool) ids and the records the true ones
    assertEquals("0:0 755 regular file\n0:0 700 regular empty file\n0:0 760 regular empty file\n0:0 750 directory\n",
        Sh.ok("cd " + app + "; stat -c '%u:%g %a %F' tool tty dev sub"));
    assertEquals("1520:1520:4755:file\n", override(app.resolve("tool")));
    assertEquals("1000\n", Sh.ok("getfattr --only-values -n user.usernetes.uid " + app.resolve("tool") + "; echo"));
    assertEquals("1237:1237:0620:char-4-1\n", override(app.resolve("tty")), "5 hashes to 1237");
    assertEquals("5\n", Sh.ok("getfattr --only-values -n user.usernetes.gid " + app.resolve("tty") + "; echo"),
        "a device's record is on its backing file, not its parent");
    assertEquals("0:1273:0660:char-1-3\n", override(app.resolve("dev")), "6 hashes to 1273");
    try (OverlayMount m = OverlayMount.mount(env, "-o", options, l.m(""))) {
      assertEquals("1000:1000 4755\n5:5 620 4,1\n", Sh.ok("cd " + l.m("app") + "; stat -c '%u:%g %a' tool; "
          + "stat -c '%u:%g %a %t,%T' tty"), "the same after a new mount");
    }
  }
}
