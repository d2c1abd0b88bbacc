package io.usernetes.identity.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ownership in container mode (this namespace maps all of 0-65535): the mount shows true ids,
 * the disk holds pool ids (60000 -> 1633 with the default map) plus records.
 */
class OverlayOwnershipIT {
  @TempDir Path dir;

  /** The record file of entry {@code name}, relative to its directory (see EntryRecords). */
  static String entryFile(String name) throws Exception {
    return ".wh..wh.usernetes/" + Sh.ok("printf %s '" + name + "' | sha256sum | cut -c1-32").strip();
  }

  /** The value of entry {@code name}'s record in directory {@code dir}. */
  static String entryRecord(Path dir, String name) throws Exception {
    return Sh.ok("getfattr --only-values -n user.usernetes.entry " + dir.resolve(entryFile(name)));
  }

  private static String owner(String path) throws Exception {
    return Sh.ok("stat -c %u:%g '" + path + "'").strip();
  }

  @Test
  void chownStoresThePoolIdAndARecord() throws Exception {
    Layers l = Layers.in(dir, 1);
    Sh.ok("echo x > " + l.lower(1).resolve("lower"));
    try (OverlayMount m = l.mount()) {
      Sh.ok("cd " + l.mnt + "; touch f; chown 60000:60000 f lower; mkdir d; chown 500:1500 d; chown 0:0 lower");
      assertEquals("60000:60000", owner(l.m("f")));
      assertEquals("500:1500", owner(l.m("d")));
      assertEquals("0:0", owner(l.m("lower")));
    }
    assertEquals("1633:1633", owner(l.upper.resolve("f").toString()));
    assertEquals("1303:1525", owner(l.upper.resolve("d").toString()));
    assertEquals("0:0", owner(l.upper.resolve("lower").toString()));
    assertEquals("user.usernetes.gid=\"60000\"\nuser.usernetes.uid=\"60000\"\n",
        Sh.ok("getfattr -d -m '^user.usernetes' " + l.upper.resolve("f") + " | grep -v '^#' | sort | grep ."));
    assertEquals("", Sh.ok("getfattr -d -m '^user.usernetes' " + l.upper.resolve("lower")), "a pinned id needs no record");
  }

  @Test
  void newFilesTakeTheCallersIds() throws Exception {
    Layers l = Layers.in(dir, 1);
    try (OverlayMount m = l.mount()) {
      Sh.ok("chmod 0755 " + dir + "; chmod 1777 " + l.mnt + "; setpriv --reuid 60000 --regid 60001 --clear-groups sh -c 'cd "
          + l.mnt + "; touch f; mkdir d; ln -s f s'");
      assertEquals("60000:60001 60000:60001 60000:60001\n",
          Sh.ok("cd " + l.mnt + "; echo $(stat -c %u:%g f d s)"));
    }
    String hostGid = Sh.ok("env -i " + Installed.bin("identity-map") + " host 60001 | cut -d' ' -f3").strip();
    assertEquals("1633:" + hostGid, owner(l.upper.resolve("f").toString()));
    assertEquals("60000:60001", entryRecord(l.upper, "s"));
  }

  /**
   * Also where the *xattrat calls (6.13+) are refused, as by a kernel without them (ENOSYS) or
   * a container profile that does not know them (EPERM): the records go through /proc/self/fd.
   */
  @ParameterizedTest(name = "*xattrat refused with errno {0} (0: allowed)")
  @ValueSource(ints = {0, 1, 38})
  void symlinksAndSpecialFilesKeepTheirRecordBesideThem(int refusedWith) throws Exception {
    Layers l = Layers.in(dir, 1);
    List<String> filter = refusedWith == 0 ? List.of() : List.of(TestPrograms.build("syscall-denied").toString(),
        Integer.toString(refusedWith), "463,464,465,466");
    try (OverlayMount m = OverlayMount.mountIn(filter, List.of(), "-o", l.options(), l.mnt.toString())) {
      Sh.ok("cd " + l.mnt + "; mkdir d; ln -s target d/link; mkfifo d/fifo; chown -h 60000:60000 d/link; chown 60000 d/fifo");
      assertEquals("60000:60000 60000:0\n", Sh.ok("cd " + l.mnt + "/d; echo $(stat -c %u:%g link fifo)"));
      Sh.ok("cd " + l.mnt + "/d; mv link link2");
      assertEquals("60000:60000\n", Sh.ok("stat -c %u:%g " + l.m("d/link2")), "the record moves with a rename");
    }
    Path d = l.upper.resolve("d");
    assertEquals("1633:1633 1633:0\n", Sh.ok("cd " + d + "; echo $(stat -c %u:%g link2 fifo)"));
    assertEquals("60000:60000", entryRecord(d, "link2"));
    assertEquals("60000:", entryRecord(d, "fifo"));
    assertTrue(!Files.exists(d.resolve(entryFile("link"))), "no record left under the old name");
    assertEquals("", Sh.ok("getfattr -d -m '^user.usernetes' " + d), "nothing on the directory itself");
  }

  @Test
  void forgedAndCorruptRecordsAreIgnored() throws Exception {
    Layers l = Layers.in(dir, 1);
    String forge = "echo x > forged; chown 1633:1633 forged; setfattr -n user.usernetes.uid -v 0 forged\n"
        + "setfattr -n user.usernetes.gid -v 0 forged\n"
        + "echo x > corrupt; chown 1633:1633 corrupt; setfattr -n user.usernetes.uid -v '60000 ' corrupt\n"
        + "setfattr -n user.usernetes.gid -v 6e4 corrupt\n"
        + "echo x > pinned; chown 0:0 pinned; setfattr -n user.usernetes.uid -v 60000 pinned\n"
        + "ln -s t link; chown -h 1303:1303 link; mkdir -p .wh..wh.usernetes; touch " + entryFile("link") + "\n"
        + "setfattr -n user.usernetes.entry -v 0:0 " + entryFile("link") + "\n";
    Sh.ok("cd " + l.lower(1) + "; " + forge);
    Sh.ok("cd " + l.upper + "; " + forge.replace("forged", "upforged"));
    try (OverlayMount m = l.mount()) {
      assertEquals("1633:1633 1633:1633 1633:1633 0:0 1303:1303\n",
          Sh.ok("cd " + l.mnt + "; echo $(stat -c %u:%g forged upforged corrupt pinned link)"),
          "records that do not hash to the host owner show the host owner");
    }
  }

  /**
   * Records of symlinks do not live in their directory's xattrs, which ext4 gives one 4 KiB
   * block (about fifty records): 5,000 chowned links in one directory keep theirs.
   */
  @Test
  void fiveThousandSymlinksInOneDirectoryKeepTheirRecords() throws Exception {
    Path fs = dir.resolve("ext4");
    Sh.ok("truncate -s 256M " + dir + "/ext4.img; mkfs.ext4 -q -F " + dir + "/ext4.img; mkdir " + fs
        + "; mount -o loop " + dir + "/ext4.img " + fs);
    try {
      Layers l = Layers.in(fs, 1);
      int links = 5000;
      Sh.python("import os\nos.mkdir('" + l.lower(1) + "/bin')\nfor i in range(" + links + "):\n"
          + "    os.symlink('target%d' % i, '" + l.lower(1) + "/bin/link%d' % i)\n");
      try (OverlayMount m = l.mount()) {
        assertEquals("0\n", Sh.python("import os\nfailed = 0\nfor i in range(" + links + "):\n"
            + "    try:\n        os.lchown('" + l.m("bin") + "/link%d' % i, 60000, 60000)\n"
            + "    except OSError:\n        failed += 1\nprint(failed)\n"), "every chown -h succeeds");
        Sh.ok("mv " + l.m("bin/link0") + " " + l.m("moved"));
      }
      try (OverlayMount m = l.mount()) {
        assertEquals("{'60000:60000': " + (links - 1) + "}\n", Sh.python("import os, collections\n"
            + "c = collections.Counter('%d:%d' % (s.st_uid, s.st_gid) for s in (os.lstat('" + l.m("bin")
            + "/' + n) for n in os.listdir('" + l.m("bin") + "')))\nprint(dict(c))\n"), "after a new mount");
        assertEquals("60000:60000", owner(l.m("moved")), "the record moved with the link");
      }
      Sh.Result tree = Sh.exec(List.of("env", "-i", Installed.bin("identity-map").toString(), "tree", "--json", "-q",
          l.upper.toString()));
      assertEquals(0, tree.status(), tree.out() + tree.err());
      JsonNode census = new ObjectMapper().readTree(tree.out());
      assertEquals(links, census.get("filesPerUid").get("60000").asLong(), tree.out());
      assertEquals(links, census.get("withRecord").asLong(), "identity-map finds each record");
    } finally {
      Sh.exec(List.of("umount", "-l", fs.toString()));
    }
  }

}
