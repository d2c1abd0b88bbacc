package io.usernetes.identity.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Faults lose nothing: a daemon killed mid-operation, a full upper layer, running out of fds. */
class OverlayFaultsIT {
  @TempDir Path dir;

  @Test
  void aDaemonKilledInTheMiddleOfACopyUpLeavesNoHalfCopiedFile() throws Exception {
    Layers l = Layers.in(dir, 1);
    Sh.ok("head -c 600M /dev/urandom > " + l.lower(1).resolve("big") + "; sha256sum < "
        + l.lower(1).resolve("big") + " > " + dir.resolve("sum"));
    OverlayMount m = l.mount();
    // the append forces a copy-up of 600 MiB; kill -9 the daemon while it is copying
    Sh.ok("(echo appended >> " + l.m("big") + " 2>/dev/null &) ; for i in $(seq 200); do "
        + "[ -n \"$(ls -A " + l.work.resolve("work") + ")\" ] && break; sleep 0.01; done; kill -9 " + m.daemon);
    assertTrue(OverlayMount.awaitExit(m.daemon, 10));
    Sh.ok("fusermount3 -u " + l.mnt + " || umount -l " + l.mnt);
    assertTrue(!Files.exists(l.upper.resolve("big")), "no partial copy in the upper layer");
    try (OverlayMount again = l.mount()) {
      assertEquals(Files.readString(dir.resolve("sum")), Sh.ok("sha256sum < " + l.m("big")));
      assertEquals("", Sh.ok("ls -A " + l.work.resolve("work")), "the work directory is cleared at mount");
    }
  }

  /**
   * A daemon out of memory exits (the installed launcher's {@code -XX:+ExitOnOutOfMemoryError},
   * here with its heap cut to 9 MiB, too small for a walk of 30,000 files): the walk gets ENOTCONN
   * at once. Without the flag a request whose reply was lost to the error left the walk waiting
   * in the kernel (state D), where not even SIGKILL reaches it.
   */
  @Test
  void aDaemonOutOfMemoryExitsAndItsMountFailsInsteadOfHanging() throws Exception {
    Layers l = Layers.in(dir, 1);
    Sh.python("import os\nfor d in range(60):\n    os.mkdir('%s/directory-%d' % ('" + l.lower(1) + "', d))\n"
        + "    for f in range(500):\n        open('%s/directory-%d/file-%d' % ('" + l.lower(1) + "', d, f), 'w').close()\n");
    String installed = Files.readString(Installed.bin("usernetes-identity"));
    assertTrue(installed.contains("-XX:+ExitOnOutOfMemoryError"), "the launcher exits on OutOfMemoryError");
    Path small = dir.resolve("usernetes-identity-9m");
    Files.writeString(small, installed.replace("-Xmx128m", "-Xmx9m").replace("-Xmx768m", "-Xmx9m").replace("-Xms8m", "-Xms4m"));
    Sh.ok("chmod 755 " + small + "; " + small + " -o " + l.options() + " " + l.mnt);
    long daemon = OverlayMount.daemonOf(l.mnt).orElseThrow();
    try {
      String walk = Sh.ok("find " + l.mnt + " -printf '%u\\n' 2>&1 >/dev/null | sort -u | head -1; true");
      assertTrue(walk.contains("Transport endpoint is not connected"), walk);
      assertTrue(OverlayMount.awaitExit(daemon, 10), "the daemon exited");
    } finally {
      Sh.ok("kill -9 " + daemon + " 2>/dev/null; umount -l " + l.mnt + " 2>/dev/null; true");
    }
  }

  @Test
  void aDaemonKilledWhileRemovingAMergedDirectoryNeverUncoversWhatItHid() throws Exception {
    Path fs = dir.resolve("tmpfs");
    // on tmpfs a directory's size counts its entries, so the removal can be watched from outside
    Sh.ok("mkdir -p " + fs + "; mount -t tmpfs -o size=256m tmpfs " + fs);
    try {
      Layers l = Layers.in(fs, 1);
      int names = 40_000;
      Sh.python("import os\nos.mkdir('" + l.lower(1) + "/d'); os.mkdir('" + l.upper + "/d')\n"
          + "for i in range(" + names + "):\n"
          + "    os.close(os.open('" + l.lower(1) + "/d/f%d' % i, os.O_CREAT | os.O_WRONLY, 0o644))\n"
          + "    os.mknod('" + l.upper + "/d/f%d' % i, 0o20000, os.makedev(0, 0))\n");
      Path upperD = l.upper.resolve("d");
      long full = Files.readAttributes(upperD, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).size();
      OverlayMount m = l.mount();
      assertEquals("", Sh.ok("ls -A " + l.m("d")), "every lower name is whited out");
      Process rmdir = new ProcessBuilder("rmdir", l.m("d")).start();
      // kill -9 the moment the removal shows in the upper layer
      long deadline = System.nanoTime() + 60_000_000_000L;
      while (true) {
        BasicFileAttributes a = Files.readAttributes(upperD, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        if (!a.isDirectory() || a.size() < full) {
          break;
        }
        assertTrue(rmdir.isAlive() && System.nanoTime() < deadline, "the removal never showed");
      }
      Sh.ok("kill -9 " + m.daemon);
      assertTrue(OverlayMount.awaitExit(m.daemon, 10));
      rmdir.waitFor();
      Sh.ok("fusermount3 -u " + l.mnt + " || umount -l " + l.mnt);
      try (OverlayMount again = l.mount()) {
        assertEquals("gone\n", Sh.python("import os\ntry:\n    print(len(os.listdir('" + l.m("d") + "')), 'shown')\n"
            + "except FileNotFoundError:\n    print('gone')\n"), "the directory is removed whole or not at all");
        assertEquals("", Sh.ok("ls -A " + l.work.resolve("work")), "the work directory is cleared at mount");
      }
    } finally {
      Sh.exec(List.of("umount", "-l", fs.toString()));
    }
  }

  @Test
  void aLinkThatFailsLeavesTheWhiteoutItWouldHaveReplaced() throws Exception {
    Layers l = Layers.in(dir, 1);
    Sh.ok("echo old > " + l.lower(1).resolve("b"));
    try (OverlayMount m = l.mount()) {
      Sh.ok("rm " + l.m("b") + "; echo new > " + l.m("a"));
      // an immutable source makes link(2) fail; the old order removed the whiteout first
      Sh.ok("chattr +i " + l.upper.resolve("a"));
      try {
        assertEquals("EPERM", Sh.errno("os.link('" + l.m("a") + "', '" + l.m("b") + "')"));
        assertEquals("character special file 0,0\n", Sh.ok("stat -c '%F %t,%T' " + l.upper.resolve("b")),
            "the whiteout hiding the lower b is still there");
      } finally {
        Sh.ok("chattr -i " + l.upper.resolve("a"));
      }
      Sh.ok("ln " + l.m("a") + " " + l.m("b"));
      assertEquals("new\n", Sh.ok("cat " + l.m("b")));
      assertEquals("", Sh.ok("ls -A " + l.work.resolve("work")));
    }
  }

  @Test
  void aFullUpperLayerGivesENOSPCAndTheMountKeepsWorking() throws Exception {
    Layers l = Layers.in(dir, 1);
    Path small = dir.resolve("small");
    Sh.ok("mkdir -p " + small + "; mount -t tmpfs -o size=2m tmpfs " + small + "; mkdir " + small + "/upper "
        + small + "/work");
    try {
      String opts = "lowerdir=" + l.lower(1) + ",upperdir=" + small + "/upper,workdir=" + small + "/work";
      try (OverlayMount m = OverlayMount.mount(List.of(), "-o", opts, l.mnt.toString())) {
        assertEquals("ENOSPC", Sh.errno("f = open('" + l.m("huge") + "', 'wb')\n    f.write(b'x' * (4 << 20)); f.close()"));
        Sh.ok("rm " + l.m("huge") + "; echo fine > " + l.m("after"));
        assertEquals("fine\n", Sh.ok("cat " + l.m("after")));
      }
    } finally {
      Sh.exec(List.of("umount", small.toString()));
    }
  }

  @Test
  void failedCreationsLeakNoDescriptors() throws Exception {
    Layers l = Layers.in(dir, 1);
    Path small = dir.resolve("small");
    Sh.ok("mkdir -p " + small + "; mount -t tmpfs -o size=64m,nr_inodes=3000 tmpfs " + small + "; mkdir "
        + small + "/upper " + small + "/work " + small + "/filler");
    try {
      String opts = "lowerdir=" + l.lower(1) + ",upperdir=" + small + "/upper,workdir=" + small + "/work";
      try (OverlayMount m = OverlayMount.mount(List.of(), "-o", opts, l.mnt.toString())) {
        // more directories than the daemon keeps open, then a layer with no inode left
        Sh.python("import os\nfor i in range(2500):\n    os.mkdir('" + l.mnt + "/d%d' % i)\n"
            + "try:\n    for i in range(10000):\n        open('" + small + "/filler/%d' % i, 'w').close()\n"
            + "except OSError:\n    pass\n");
        String failCreates = "import os, errno\ncounts = {}\nfor i in range(2500):\n"
            + "    for kind in ('file', 'dir', 'link'):\n        p = '" + l.mnt + "/d%d/new-%s' % (i, kind)\n"
            + "        try:\n            if kind == 'file': os.close(os.open(p, os.O_CREAT | os.O_WRONLY, 0o644))\n"
            + "            elif kind == 'dir': os.mkdir(p)\n            else: os.symlink('target', p)\n"
            + "            e = 'OK'\n        except OSError as x:\n            e = errno.errorcode[x.errno]\n"
            + "        counts[e] = counts.get(e, 0) + 1\nprint(sorted(counts.items()))\n";
        assertEquals("[('ENOSPC', 7500)]\n", Sh.python(failCreates));
        long first = openDescriptors(m.daemon);
        assertEquals("[('ENOSPC', 7500)]\n", Sh.python(failCreates));
        long second = openDescriptors(m.daemon);
        assertTrue(second <= first + 8, "descriptors grew from " + first + " to " + second
            + " over 7,500 failed creations");
        assertEquals("", Sh.ok("ls -A " + small + "/work/work"), "no half-made object left in the work dir");
        Sh.ok("rm -r " + small + "/filler; echo fine > " + l.m("d7/after"));
        assertEquals("fine\n", Sh.ok("cat " + l.m("d7/after")));
      }
    } finally {
      Sh.exec(List.of("umount", small.toString()));
    }
  }

  private static long openDescriptors(long pid) throws Exception {
    try (Stream<Path> fds = Files.list(Path.of("/proc/" + pid + "/fd"))) {
      return fds.count();
    }
  }

  @Test
  void runningOutOfDescriptorsIsAnErrorNotACrash() throws Exception {
    Layers l = Layers.in(dir, 1);
    // a daemon allowed few descriptors: opening many files through it must fail cleanly
    try (OverlayMount m = OverlayMount.mountIn(List.of("prlimit", "--nofile=160:160"), List.of(),
        "-o", l.options(), l.mnt.toString())) {
      String result = Sh.python("import os, errno\nfds = []\ntry:\n"
          + "    for i in range(400):\n        fds.append(os.open('" + l.mnt + "/f%d' % i, os.O_CREAT | os.O_RDWR, 0o644))\n"
          + "    print('no error')\nexcept OSError as e:\n    print(errno.errorcode[e.errno])\n"
          + "for fd in fds:\n    os.close(fd)\n");
      assertTrue(result.startsWith("EMFILE") || result.startsWith("ENFILE"), result);
      assertEquals("ok\n", Sh.ok("echo ok > " + l.m("later") + "; cat " + l.m("later")));
    }
  }

  @Test
  void thousandsOfOpenFilesAndADeepTree() throws Exception {
    Layers l = Layers.in(dir, 1);
    try (OverlayMount m = l.mount()) {
      assertEquals("3000\n", Sh.python("import os\nfds = [os.open('" + l.mnt + "/f%d' % i, os.O_CREAT | os.O_RDWR, 0o644)"
          + " for i in range(3000)]\nfor fd in fds:\n    os.write(fd, b'x')\nprint(len(fds))\n"
          + "for fd in fds:\n    os.close(fd)\n"));
      String deep = "d/".repeat(200);
      Sh.ok("cd " + l.mnt + " && mkdir -p " + deep + " && echo bottom > " + deep + "f");
      assertEquals("bottom\n", Sh.ok("cat " + l.mnt + "/" + deep + "f"));
      assertEquals("bottom\n", Sh.ok("cat " + l.upper + "/" + deep + "f"));
    }
  }
}
