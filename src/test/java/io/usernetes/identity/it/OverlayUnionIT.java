package io.usernetes.identity.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Lookup and listing through layers: merging, whiteouts (read and written), opaque directories. */
class OverlayUnionIT {
  @TempDir Path dir;

  private static String ls(String path) throws Exception {
    return Sh.ok("ls -A1 '" + path + "' | tr '\\n' ' '").strip();
  }

  @Test
  void mergesThreeLowerLayersTopFirst() throws Exception {
    Layers l = Layers.in(dir, 3);
    Sh.ok("cd " + dir + "\n"
        + "echo 3 > l3/a; mkdir l3/d; echo 3 > l3/d/x; echo 3 > l3/same; mkdir l3/n; echo 3 > l3/n/below\n"
        + "echo 2 > l2/b; mkdir l2/d; echo 2 > l2/d/y; echo 2 > l2/same\n"
        + "echo 1 > l1/c; mkdir l1/d; echo 1 > l1/d/z; echo 1 > l1/same; echo 1 > l1/n\n");
    try (OverlayMount m = l.mount()) {
      assertEquals("a b c d n same", ls(l.m("")));
      assertEquals("x y z", ls(l.m("d")));
      assertEquals("1\n", Sh.ok("cat " + l.m("same")), "the topmost layer wins");
      assertEquals("f 1\n", Sh.ok("stat -c %F " + l.m("n") + " | cut -c1; cat " + l.m("n")).replace("r\n", "f "),
          "a file above hides a directory below");
      assertEquals("3\n2\n1\n", Sh.ok("cd " + l.m("d") + "; cat x y z"));
      // a merged directory's link count is unknown (1), as on the kernel overlay;
      // a directory of one layer keeps its own
      Sh.ok("mkdir " + l.m("one"));
      assertEquals("1 2\n", Sh.ok("stat -c %h " + l.m("d") + " " + l.m("one") + " | xargs"));
    }
  }

  @Test
  void readsBothWhiteoutStyles() throws Exception {
    Layers l = Layers.in(dir, 2);
    Sh.ok("cd " + dir + "\n"
        + "echo 2 > l2/dev; echo 2 > l2/file; echo 2 > l2/kept; mkdir l2/d; echo 2 > l2/d/x\n"
        + "mknod l1/dev c 0 0; touch l1/.wh.file; touch l1/.wh.d\n");
    try (OverlayMount m = l.mount()) {
      assertEquals("kept", ls(l.m("")));
      assertEquals("ENOENT", Sh.errno("os.stat('" + l.m("dev") + "')"));
      assertEquals("ENOENT", Sh.errno("os.stat('" + l.m("file") + "')"));
      assertEquals("ENOENT", Sh.errno("os.stat('" + l.m("d/x") + "')"));
    }
  }

  @Test
  void readsAllFourOpaqueForms() throws Exception {
    Layers l = Layers.in(dir, 2);
    Sh.ok("cd " + dir + "\n"
        + "for d in o1 o2 o3 o4 plain; do mkdir l2/$d l1/$d; echo 2 > l2/$d/below; echo 1 > l1/$d/mine; done\n"
        + "setfattr -n trusted.overlay.opaque -v y l1/o1\n"
        + "setfattr -n user.overlay.opaque -v y l1/o2\n"
        + "setfattr -n user.fuseoverlayfs.opaque -v y l1/o3\n"
        + "touch l1/o4/.wh..wh..opq\n");
    try (OverlayMount m = l.mount()) {
      for (String d : new String[] {"o1", "o2", "o3", "o4"}) {
        assertEquals("mine", ls(l.m(d)), d);
        assertEquals("ENOENT", Sh.errno("os.stat('" + l.m(d + "/below") + "')"), d);
      }
      assertEquals("below mine", ls(l.m("plain")));
    }
  }

  @Test
  void writesCharacterDeviceWhiteoutsByDefault() throws Exception {
    Layers l = Layers.in(dir, 1);
    Sh.ok("cd " + dir + "; echo 1 > l1/a; mkdir l1/d; echo 1 > l1/keep");
    try (OverlayMount m = l.mount()) {
      Sh.ok("rm " + l.m("a") + "; rmdir " + l.m("d"));
      assertEquals("keep", ls(l.m("")));
    }
    assertEquals("a character special file 0,0\nd character special file 0,0\n",
        Sh.ok("cd " + l.upper + "; for f in a d; do stat -c '%n %F %t,%T' $f; done"));
    assertEquals("a d", ls(l.upper.toString()), "no .wh. files");
    try (OverlayMount m = l.mount()) {
      assertEquals("keep", ls(l.m("")), "whiteouts persist across mounts");
    }
  }

  @Test
  void writesWhFilesWhenOvlWhiteoutsAreDisabled() throws Exception {
    Layers l = Layers.in(dir, 1);
    Sh.ok("cd " + dir + "; echo 1 > l1/a; mkdir l1/d; echo 1 > l1/b");
    try (OverlayMount m = l.mount("FUSE_OVERLAYFS_DISABLE_OVL_WHITEOUT=1")) {
      Sh.ok("rm " + l.m("a") + "; rmdir " + l.m("d") + "; mv " + l.m("b") + " " + l.m("c"));
      assertEquals("c", ls(l.m("")));
    }
    assertEquals(".wh.a .wh.b .wh.d c", ls(l.upper.toString()));
    assertEquals("regular empty file\n", Sh.ok("stat -c %F " + l.upper.resolve(".wh.a")));
  }

  @Test
  void aDirectoryRecreatedOverADeletedOneIsOpaque() throws Exception {
    Layers l = Layers.in(dir, 1);
    Sh.ok("cd " + dir + "; mkdir -p l1/d/sub; echo 1 > l1/d/x; echo 1 > l1/f");
    try (OverlayMount m = l.mount()) {
      Sh.ok("rm -r " + l.m("d") + "; mkdir " + l.m("d") + "; touch " + l.m("d/new")
          + "; rm " + l.m("f") + "; echo again > " + l.m("f"));
      assertEquals("new", ls(l.m("d")));
      assertEquals("again\n", Sh.ok("cat " + l.m("f")));
    }
    assertEquals("y", Sh.ok("getfattr --only-values -n trusted.overlay.opaque " + l.upper.resolve("d")));
    assertEquals(".wh..wh..opq new", ls(l.upper.resolve("d").toString()));
    assertEquals("regular file\n", Sh.ok("stat -c %F " + l.upper.resolve("f")));
    try (OverlayMount m = l.mount()) {
      assertEquals("new", ls(l.m("d")), "still opaque after a remount");
    }
  }

  @Test
  void whiteoutNamesAreNeverShownAndCannotBeCreated() throws Exception {
    Layers l = Layers.in(dir, 1);
    Sh.ok("cd " + dir + "; echo 1 > l1/a; touch l1/.wh..wh..opq; touch l1/.wh.gone; echo u > upper/.wh.x");
    try (OverlayMount m = l.mount()) {
      assertEquals("a", ls(l.m("")));
      assertEquals("EINVAL", Sh.errno("open('" + l.m(".wh.new") + "', 'w')"));
      assertEquals("EINVAL", Sh.errno("os.mkdir('" + l.m(".wh.dir") + "')"));
      assertEquals("EINVAL", Sh.errno("os.symlink('a', '" + l.m(".wh.link") + "')"));
      assertEquals("EINVAL", Sh.errno("os.mkfifo('" + l.m(".wh.fifo") + "')"));
      assertEquals("EINVAL", Sh.errno("os.link('" + l.m("a") + "', '" + l.m(".wh.hard") + "')"));
      assertEquals("EINVAL", Sh.errno("os.rename('" + l.m("a") + "', '" + l.m(".wh.a") + "')"));
      assertEquals("ENOENT", Sh.errno("os.stat('" + l.m(".wh.gone") + "')"));
      assertEquals("a", ls(l.m("")));
    }
  }
}
