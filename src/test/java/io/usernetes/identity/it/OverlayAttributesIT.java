package io.usernetes.identity.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Changing attributes of merged objects: size, times, mode, sync, statfs and xattrs. */
class OverlayAttributesIT {
  @TempDir Path dir;

  @Test
  void truncateUtimensAndChmodCopyUpAndChangeOnlyTheUpperFile() throws Exception {
    Layers l = Layers.in(dir, 1);
    Sh.ok("cd " + dir + "/l1; echo 0123456789 > t; echo x > times; echo x > mode; mkdir d; ln -s t sym\n"
        + "touch -h -d '2001-01-01 00:00:00' times sym");
    try (OverlayMount m = l.mount()) {
      Sh.ok("cd " + l.mnt + "; truncate -s 3 t; touch -m -d '2010-01-01 00:00:00' times\n"
          + "touch -h -d '2011-01-01 00:00:00' sym; chmod 4750 mode; chmod 1777 d");
      assertEquals("012", Sh.ok("cat " + l.m("t")));
      assertEquals("978307200 1262304000\n1293840000\n", Sh.ok("stat -c '%X %Y' " + l.m("times")
          + "; stat -c %Y " + l.m("sym")), "UTIME_OMIT keeps the atime; symlinks have their own times");
      assertEquals("4750 1777\n", Sh.ok("echo $(stat -c %a " + l.m("mode") + " " + l.m("d") + ")"));
      Sh.ok("python3 -c 'import os; fd = os.open(\"" + l.m("t") + "\", os.O_RDWR); os.ftruncate(fd, 5); os.close(fd)'");
      assertEquals("5\n", Sh.ok("stat -c %s " + l.m("t")));
    }
    assertEquals("5 4750 1262304000\n", Sh.ok("cd " + l.upper + "; echo $(stat -c %s t) $(stat -c %a mode) $(stat -c %Y times)"));
    assertEquals("11 644 978307200\n", Sh.ok("cd " + l.lower(1) + "; echo $(stat -c %s t) $(stat -c %a mode) $(stat -c %Y times)"));
  }

  @Test
  void fsyncAndStatfsWork() throws Exception {
    Layers l = Layers.in(dir, 1);
    String sync = "import os\nfd = os.open('%s', os.O_CREAT | os.O_WRONLY, 0o644); os.write(fd, b'x')\n"
        + "os.fsync(fd); os.fdatasync(fd); os.close(fd)\nd = os.open('%s', os.O_RDONLY); os.fsync(d); os.close(d)\n"
        + "s = os.statvfs('%s'); print(s.f_namemax, s.f_bsize > 0, s.f_blocks > 0, s.f_files > 0)\n";
    try (OverlayMount m = l.mount()) {
      assertEquals("255 True True True\n", Sh.python(String.format(sync, l.m("f"), l.mnt, l.mnt)),
          "f_namemax is the layers' own, as the kernel overlay's (whiteouts are devices)");
      assertEquals(Sh.ok("stat -f -c '%b %S' " + l.upper), Sh.ok("stat -f -c '%b %S' " + l.mnt),
          "the upper layer's file system");
    }
    try (OverlayMount m = OverlayMount.mount(java.util.List.of(), "-o", l.options() + ",volatile", l.mnt.toString())) {
      Sh.python(String.format(sync, l.m("g"), l.mnt, l.mnt));
    }
    assertEquals("xx", Sh.ok("cat " + l.upper.resolve("f") + " " + l.upper.resolve("g")));
  }

  @Test
  void hiddenXattrNamespacesCannotBeListedReadOrWritten() throws Exception {
    Layers l = Layers.in(dir, 1);
    Sh.ok("cd " + dir + "/l1; echo x > f; chown 1633:1633 f\n"
        + "setfattr -n user.usernetes.uid -v 60000 f; setfattr -n user.fuseoverlayfs.origin -v o f\n"
        + "setfattr -n trusted.overlay.origin -v o f; setfattr -n user.overlay.x -v o f\n"
        + "setfattr -n user.keep -v 1 f; setfattr -n trusted.keep -v 2 f");
    String[] hidden = {"user.usernetes.uid", "user.usernetes.gid", "user.fuseoverlayfs.origin",
        "trusted.overlay.origin", "trusted.overlay.opaque", "user.overlay.x"};
    try (OverlayMount m = l.mount()) {
      String f = l.m("f");
      assertEquals("['trusted.keep', 'user.keep']\n", Sh.python("import os; print(sorted(os.listxattr('" + f + "')))"));
      for (String name : hidden) {
        assertEquals("ENODATA", Sh.errno("os.getxattr('" + f + "', '" + name + "')"), name);
        assertEquals("EPERM", Sh.errno("os.setxattr('" + f + "', '" + name + "', b'0')"), name);
        assertEquals("EPERM", Sh.errno("os.removexattr('" + f + "', '" + name + "')"), name);
      }
      Sh.Result set = Sh.bash("setfattr -n user.usernetes.uid -v 0 " + f);
      assertTrue(set.status() != 0 && set.err().contains("Operation not permitted"), set.err());
      Sh.ok("setfattr -n user.new -v 3 " + f + "; setfattr -x user.keep " + f);
      assertEquals("['trusted.keep', 'user.new']\n", Sh.python("import os; print(sorted(os.listxattr('" + f + "')))"));
      assertEquals("60000\n", Sh.ok("stat -c %u " + f), "the record survived the copy-up");
    }
    assertEquals("60000", Sh.ok("getfattr --only-values -n user.usernetes.uid " + l.upper.resolve("f")));
  }
}
