package io.usernetes.identity.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Copy-up: what a lower object keeps when it is first changed, and that it appears in one step. */
class OverlayCopyUpIT {
  @TempDir Path dir;

  /** Mode, owner, atime, mtime and the user xattrs with values, as one comparable string. */
  private static String metadata(Path p) throws Exception {
    return Sh.ok("stat -c '%A %u:%g %X %Y' '" + p + "'; getfattr -h -d -m '^user\\.' '" + p
        + "' 2>/dev/null | grep -v '^#' | sort");
  }

  @Test
  void aFileKeepsModeOwnerTimesXattrsAndRecord() throws Exception {
    Layers l = Layers.in(dir, 1);
    Sh.ok("cd " + dir + "; mkdir l1/d; echo data > l1/d/f; chown 1633:1633 l1/d/f l1/d; chmod 0640 l1/d/f\n"
        + "chmod 0751 l1/d; setfattr -n user.note -v kept l1/d/f; setfattr -n user.note -v dir l1/d\n"
        + "setfattr -n user.usernetes.uid -v 60000 l1/d/f; setfattr -n user.usernetes.gid -v 60000 l1/d/f\n"
        + "touch -d '2001-02-03 04:05:06' l1/d/f l1/d");
    String file = metadata(l.lower(1).resolve("d/f"));
    String parent = metadata(l.lower(1).resolve("d"));
    try (OverlayMount m = l.mount()) {
      assertEquals("-rw-r----- 60000:60000\n", Sh.ok("stat -c '%A %u:%g' " + l.m("d/f")));
      Sh.ok("setfattr -n user.added -v 1 " + l.m("d/f"));
      assertEquals("-rw-r----- 60000:60000\n", Sh.ok("stat -c '%A %u:%g' " + l.m("d/f")));
    }
    assertEquals(file.replace("user.note=\"kept\"", "user.added=\"1\"\nuser.note=\"kept\""),
        metadata(l.upper.resolve("d/f")));
    assertEquals("data\n", Sh.ok("cat " + l.upper.resolve("d/f")));
    assertEquals(parent, metadata(l.upper.resolve("d")), "the parent is copied up first, intact");
    assertEquals(file.replaceFirst(" \\d+ ", " "), metadata(l.lower(1).resolve("d/f")).replaceFirst(" \\d+ ", " "),
        "the lower layer is untouched (but for the atime reading it set)");
    assertEquals("", Sh.ok("ls -A " + l.work.resolve("work")), "nothing left in the work dir");
  }

  @Test
  void aSymlinkKeepsItsTargetAndEntryRecord() throws Exception {
    Layers l = Layers.in(dir, 1);
    Sh.ok("cd " + dir + "; ln -s target l1/link; chown -h 1633:1633 l1/link; mkdir l1/.wh..wh.usernetes\n"
        + "touch l1/" + OverlayOwnershipIT.entryFile("link") + "\n"
        + "setfattr -n user.usernetes.entry -v 60000:60000 l1/" + OverlayOwnershipIT.entryFile("link"));
    try (OverlayMount m = l.mount()) {
      assertEquals("60000:60000 target\n", Sh.ok("echo $(stat -c %u:%g " + l.m("link") + ") $(readlink " + l.m("link") + ")"));
      Sh.ok("chown -h :60001 " + l.m("link"));
      assertEquals("60000:60001\n", Sh.ok("stat -c %u:%g " + l.m("link")));
    }
    assertEquals("target\n", Sh.ok("readlink " + l.upper.resolve("link")));
    assertEquals("60000:60001", OverlayOwnershipIT.entryRecord(l.upper, "link"));
  }

  @Test
  void aRefusedChangeCopiesNothingUp() throws Exception {
    Layers l = Layers.in(dir, 1);
    Sh.ok("cd " + dir + "; mkdir l1/d; echo data > l1/d/f; ln -s f l1/d/link");
    // the view mapping has no stored id for 5000: chown must fail before any copy-up
    try (OverlayMount m = OverlayMount.mount(List.of(), "-o", l.options() + ",uidmapping=0:0:2000,gidmapping=0:0:2000",
        l.m(""))) {
      assertEquals("EINVAL", Sh.errno("os.chown('" + l.m("d/f") + "', 5000, -1)"));
      // chmod of a symlink itself (fchmodat2 with AT_SYMLINK_NOFOLLOW) is refused as on any Linux file system
      assertEquals("ENOTSUP", Sh.errno("import ctypes\n    libc = ctypes.CDLL(None, use_errno=True)\n"
          + "    if libc.syscall(452, -100, b'" + l.m("d/link") + "', 0o600, 0x100) != 0:\n"
          + "        raise OSError(ctypes.get_errno(), 'fchmodat2')"));
    }
    assertEquals("", Sh.ok("ls -A " + l.upper), "nothing was copied up, not even the parent");
  }

  @Test
  void aBigFileAppearsInTheUpperLayerOnlyWhenComplete() throws Exception {
    Layers l = Layers.in(dir, 1);
    Sh.ok("head -c 200M /dev/urandom > " + l.lower(1).resolve("big"));
    String sum = Sh.ok("sha256sum < " + l.lower(1).resolve("big"));
    try (OverlayMount m = l.mount()) {
      // A watcher notes the size of the upper file each time it sees it: absent first (it says so
      // through a FIFO, and only then is the copy-up started), through the copy-up, and once more
      // after it. It must have seen the file absent, or it was not watching the copy-up at all.
      String watch = "import os, sys, time\n"
          + "p, done, ready = sys.argv[1:4]; seen = set(); absent = False; end = time.time() + 60\n"
          + "while time.time() < end and not os.path.exists(done):\n"
          + "    try: seen.add(os.stat(p).st_size)\n"
          + "    except FileNotFoundError:\n"
          + "        if not absent:\n"
          + "            absent = True\n"
          + "            with open(ready, 'w') as f: f.write('watching\\n')\n"
          + "seen.add(os.stat(p).st_size)\n"
          + "print('absent' if absent else 'never-absent', sorted(seen))\n";
      Path done = dir.resolve("done");
      Path ready = dir.resolve("ready");
      // the FIFO opened read-write, so that neither side blocks in open and read -t bounds the wait
      String sizes = Sh.ok("mkfifo " + ready + "; exec 3<>" + ready + "; python3 -c '" + watch.replace("'", "'\\''")
          + "' " + l.upper.resolve("big") + " " + done + " " + ready + " & w=$!; read -t 30 x <&3; setfattr -n user.touched -v 1 "
          + l.m("big") + "; touch " + done + "; wait $w");
      assertEquals("absent [209715200]\n", sizes, "watched from before the copy-up; never a partial copy");
      assertEquals(sum, Sh.ok("sha256sum < " + l.m("big")));
    }
    assertEquals(sum, Sh.ok("sha256sum < " + l.upper.resolve("big")));
  }

  @Test
  void writingCopiesUpOnceAndLeavesTheLowerFileAlone() throws Exception {
    Layers l = Layers.in(dir, 2);
    Sh.ok("cd " + dir + "; echo lower > l2/f; mkdir -p l2/a/b; echo deep > l2/a/b/f");
    try (OverlayMount m = l.mount()) {
      Sh.ok("echo more >> " + l.m("f") + "; echo changed > " + l.m("a/b/f"));
      assertEquals("lower\nmore\nchanged\n", Sh.ok("cat " + l.m("f") + " " + l.m("a/b/f")));
    }
    assertEquals("lower\ndeep\n", Sh.ok("cat " + l.lower(2).resolve("f") + " " + l.lower(2).resolve("a/b/f")));
    assertTrue(Sh.ok("cat " + l.upper.resolve("a/b/f")).equals("changed\n"));
  }
}
