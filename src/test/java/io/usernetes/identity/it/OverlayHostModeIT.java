package io.usernetes.identity.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ownership in host mode: the mount program runs in a user namespace with the HPC node's
 * 2,000-id map, shows host ids, and records a true id only when the image's /etc/passwd names
 * it without ambiguity.
 */
class OverlayHostModeIT {
  private static final String MAP = "0 0 1\n1 1 1999\n65534 2000 2\n";
  private static final String PASSWD = "root:x:0:0::/:/bin/sh\nsvc:x:1000:1000::/:/bin/sh\n"
      + "site:x:60000:60000::/:/bin/sh\nother:x:1428:1428::/:/bin/sh\n";
  private static final String GROUP = "root:x:0:\nsvc:x:1000:\nsite:x:60000:\nother:x:1428:\n";

  @TempDir Path dir;
  private Process namespace;
  private List<String> enter;

  @BeforeEach
  void createNamespace() throws Exception {
    namespace = new ProcessBuilder("unshare", "--user", "--mount", "--propagation", "private", "sleep", "600").start();
    long pid = namespace.pid();
    // until unshare has made the namespace (before, the process still shares ours, whose
    // uid_map is not empty: writing then would be refused with EPERM)
    Path ours = Files.readSymbolicLink(Path.of("/proc/self/ns/user"));
    for (int i = 0; i < 500 && Files.readSymbolicLink(Path.of("/proc/" + pid + "/ns/user")).equals(ours); i++) {
      Thread.sleep(10);
    }
    for (String map : List.of("uid_map", "gid_map")) {
      Files.write(Path.of("/proc/" + pid + "/" + map), MAP.getBytes(StandardCharsets.US_ASCII)); // one write(2)
    }
    enter = List.of("nsenter", "-t", Long.toString(pid), "-U", "-m");
  }

  @AfterEach
  void endNamespace() throws InterruptedException {
    namespace.destroy();
    namespace.waitFor();
  }

  private String in(String script) throws Exception {
    return Sh.ok(enter, script);
  }

  @Test
  void showsHostIdsAndRecordsTrueIdsInTheContainersView() throws Exception {
    Layers l = Layers.in(dir, 1);
    Sh.ok("chmod 0755 " + dir + "; cd " + l.lower(1) + "; mkdir etc; printf '" + PASSWD + "' > etc/passwd\n"
        + "printf '" + GROUP + "' > etc/group\n"
        + "echo x > mine; chown 1633:1633 mine; setfattr -n user.usernetes.uid -v 60000 mine\n"
        + "echo x > unmapped; chown 60000:60000 unmapped; echo x > a; echo x > b; echo x > c; echo x > d");
    assertEquals("0 0 1\n1 1 1999\n65534 2000 2\n", in("cat /proc/self/uid_map | tr -s ' ' | sed 's/^ //'"));
    try (OverlayMount m = OverlayMount.mountIn(enter, List.of(), "-o", l.options(), l.mnt.toString())) {
      // site (60000) and other (1428) share 1633; other keeps it, and in this container site is
      // on the next free pool id, 1634: mine has a uid record of 60000, its gid is other's
      assertEquals("1634:1633 65534:65534\n", in("cd " + l.mnt + "; echo $(stat -c %u:%g mine unmapped)"),
          "host ids, overflow for what the namespace cannot map");
      Sh.Result refused = Sh.bash(enter, "chown 60000 " + l.m("a"));
      assertTrue(refused.status() != 0 && refused.err().contains("Invalid argument"), refused.err());
      in("cd " + l.mnt + "; chown 1520:1520 a; chown 1633:1633 b; touch new; chown 1500 c; chown 1634:1634 d");
      assertEquals("1520:1520 1633:1633 0:0 1500:0 1634:1634\n", in("cd " + l.mnt + "; echo $(stat -c %u:%g a b new c d)"));
    }
    Path u = l.upper;
    assertEquals("1520:1520 1633:1633 1500:0 1633:1633\n", Sh.ok("cd " + u + "; echo $(stat -c %u:%g a b c d)"),
        "on disk the hash");
    assertEquals("user.usernetes.gid=\"1000\"\nuser.usernetes.uid=\"1000\"\n",
        Sh.ok("getfattr -d -m '^user.usernetes' " + u.resolve("a") + " | grep '^user' | sort"),
        "1520 is svc (1000) in the image");
    assertEquals("user.usernetes.gid=\"1428\"\nuser.usernetes.uid=\"1428\"\n",
        Sh.ok("getfattr -d -m '^user.usernetes' " + u.resolve("b") + " | grep '^user' | sort"),
        "in this container 1633 is other (1428)");
    assertEquals("user.usernetes.gid=\"60000\"\nuser.usernetes.uid=\"60000\"\n",
        Sh.ok("getfattr -d -m '^user.usernetes' " + u.resolve("d") + " | grep '^user' | sort"),
        "and 1634 is site (60000), stored on its hash");
    assertEquals("", Sh.ok("getfattr -d -m '^user.usernetes' " + u.resolve("c")), "1500 is not declared");
  }

  @Test
  void aUserAddedWhileMountedIsRecordedFromThenOn() throws Exception {
    Layers l = Layers.in(dir, 1);
    Sh.ok("chmod 0755 " + dir + "; cd " + l.lower(1) + "; mkdir etc\n"
        + "printf 'root:x:0:0::/:/bin/sh\\nsvc:x:1000:1000::/:/bin/sh\\n' > etc/passwd\n"
        + "printf 'root:x:0:\\nsvc:x:1000:\\n' > etc/group");
    try (OverlayMount m = OverlayMount.mountIn(enter, List.of(), "-o", l.options(), l.mnt.toString())) {
      in("cd " + l.mnt + "; touch early; chown 1633:1633 early");
      // a build's useradd: the account files change through the mount
      in("cd " + l.mnt + "; echo 'app:x:60000:60000::/:/bin/sh' >> etc/passwd; echo 'app:x:60000:' >> etc/group\n"
          + "touch late; chown 1633:1633 late");
    }
    assertEquals("", Sh.ok("getfattr -d -m '^user.usernetes' " + l.upper.resolve("early")),
        "1633 was nobody the image declared yet");
    assertEquals("user.usernetes.gid=\"60000\"\nuser.usernetes.uid=\"60000\"\n",
        Sh.ok("getfattr -d -m '^user.usernetes' " + l.upper.resolve("late") + " | grep '^user' | sort"),
        "1633 is app (60000) once the image declares it");
  }
}
