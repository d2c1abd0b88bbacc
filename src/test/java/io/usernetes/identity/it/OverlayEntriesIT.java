package io.usernetes.identity.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Making, linking, removing and renaming names in the merged tree. */
class OverlayEntriesIT {
  @TempDir Path dir;

  private static String ls(String path) throws Exception {
    return Sh.ok("ls -A1 '" + path + "' | tr '\\n' ' '").strip();
  }

  @Test
  void createsEveryKindOfObjectInTheUpperLayer() throws Exception {
    Layers l = Layers.in(dir, 1);
    Sh.ok("mkdir " + l.lower(1).resolve("d"));
    try (OverlayMount m = l.mount()) {
      Sh.ok("cd " + l.mnt + "; echo hi > d/file; mkdir -m 0710 d/dir; mkfifo -m 0640 d/fifo\n"
          + "mknod -m 0600 d/chr c 1 3; ln -s ../file d/sym; python3 -c 'import socket; socket.socket(socket.AF_UNIX).bind(\"d/sock\")'");
      String expected = "chr character special file 600 1,3\ndir directory 710 0,0\nfifo fifo 640 0,0\n"
          + "file regular file 644 0,0\nsock socket 755 0,0\nsym symbolic link 777 0,0\n";
      String stat = "cd %s; for f in chr dir fifo file sock sym; do stat -c '%%n %%F %%a %%t,%%T' $f; done";
      assertEquals(expected, Sh.ok(String.format(stat, l.m("d"))));
      assertEquals(expected, Sh.ok(String.format(stat, l.upper.resolve("d"))));
      assertEquals("../file\nhi\n", Sh.ok("readlink " + l.m("d/sym") + "; cat " + l.m("d/file")));
      assertEquals("EEXIST", Sh.errno("os.mkdir('" + l.m("d/dir") + "')"));
      assertEquals("EEXIST", Sh.errno("os.open('" + l.m("d/file") + "', os.O_CREAT | os.O_EXCL)"));
    }
  }

  @Test
  void hardLinksShareDataAndCopyUpTheSource() throws Exception {
    Layers l = Layers.in(dir, 1);
    Sh.ok("echo lower > " + l.lower(1).resolve("f"));
    try (OverlayMount m = l.mount()) {
      Sh.ok("ln " + l.m("f") + " " + l.m("g") + "; echo more >> " + l.m("g"));
      assertEquals("lower\nmore\n2 2\n",
          Sh.ok("cat " + l.m("f") + "; stat -c %h " + l.m("f") + " " + l.m("g") + " | xargs"),
          "both names show the data and two links at once");
      assertEquals("true\n", Sh.ok("[ $(stat -c %i " + l.m("f") + ") = $(stat -c %i " + l.m("g") + ") ] && echo true"));
      Sh.ok("rm " + l.m("f"));
      assertEquals("g 1\n", Sh.ok("echo $(ls " + l.mnt + ") $(stat -c %h " + l.m("g") + ")"),
          "g alone, with one link, at once");
    }
    assertEquals("lower\n", Sh.ok("cat " + l.lower(1).resolve("f")));
  }

  @Test
  void unlinkAndRmdirWhiteOutLowerNamesAndRefuseNonEmptyDirectories() throws Exception {
    Layers l = Layers.in(dir, 2);
    Sh.ok("cd " + dir + "; mkdir -p l2/d/e l1/d; echo 2 > l2/d/x; echo 1 > l1/d/y; echo 2 > l2/f; mkdir l2/empty");
    try (OverlayMount m = l.mount()) {
      assertEquals("ENOTEMPTY", Sh.errno("os.rmdir('" + l.m("d") + "')"));
      assertEquals("EISDIR", Sh.errno("os.unlink('" + l.m("d") + "')"));
      assertEquals("ENOTDIR", Sh.errno("os.rmdir('" + l.m("f") + "')"));
      Sh.ok("rm " + l.m("f") + " " + l.m("d/x") + " " + l.m("d/y") + "; rmdir " + l.m("d/e") + " " + l.m("empty"));
      assertEquals("ENOENT", Sh.errno("os.stat('" + l.m("f") + "')"));
      assertEquals("", ls(l.m("d")));
      Sh.ok("rmdir " + l.m("d"));
      assertEquals("", ls(l.m("")));
      Sh.ok("touch " + l.m("new") + "; rm " + l.m("new"));
      assertEquals("", ls(l.m("")));
    }
    assertEquals("d empty f", ls(l.upper.toString()), "whiteouts only for names lower layers show");
  }

  @Test
  void renamesFilesAndUpperOnlyDirectories() throws Exception {
    Layers l = Layers.in(dir, 1);
    Sh.ok("cd " + dir + "; echo a > l1/a; echo b > l1/b; mkdir l1/lowerdir; echo x > l1/lowerdir/x");
    try (OverlayMount m = l.mount()) {
      Sh.ok("cd " + l.mnt + "; mv a renamed; mv renamed b; mkdir -p up/sub; echo s > up/sub/s; mv up moved\n"
          + "mv b lowerdir/b");
      assertEquals("lowerdir moved", ls(l.m("")));
      assertEquals("a\ns\n", Sh.ok("cat " + l.m("lowerdir/b") + " " + l.m("moved/sub/s")));
      assertEquals("EXDEV", Sh.errno("os.rename('" + l.m("lowerdir") + "', '" + l.m("elsewhere") + "')"));
      assertEquals("ENOTEMPTY", Sh.errno("os.rename('" + l.m("moved") + "', '" + l.m("lowerdir") + "')"));
      Sh.ok("mv " + l.m("lowerdir") + " " + l.m("copied")); // mv copies and deletes on EXDEV
      assertEquals("copied moved", ls(l.m("")));
      assertEquals("b x", ls(l.m("copied")));
      assertEquals("EINVAL", Sh.errno("os.rename('" + l.m("moved") + "', '" + l.m("moved/sub/inside") + "')"));
    }
    try (OverlayMount m = l.mount()) {
      assertEquals("copied moved", ls(l.m("")), "renames persist");
    }
  }
}
