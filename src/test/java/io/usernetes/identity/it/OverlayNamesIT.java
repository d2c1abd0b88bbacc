package io.usernetes.identity.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Names keep their bytes: non-ASCII, not UTF-8 at all, and up to 255 bytes long. */
class OverlayNamesIT {
  @TempDir Path dir;

  /** Python byte literals of the names tried; the last is 255 bytes, the file system's limit. */
  private static final String NAMES = "[b'F\\xc5\\x91tan\\xc3\\xbas\\xc3\\xadtv\\xc3\\xa1ny', b'bad\\xff\\xfe',"
      + " b'\\xe6\\x97\\xa5\\xe6\\x9c\\xac \\x01\\x7f', b'n' * 254 + b'\\xe9']";

  @Test
  void namesRoundTripByteForByteInBothDirections() throws Exception {
    Layers l = Layers.in(dir, 1);
    String prog = "import os\nnames = " + NAMES + "\n"
        + "lower = b'" + l.lower(1) + "'; upper = b'" + l.upper + "'; mnt = b'" + l.mnt + "'\n"
        + "os.mkdir(lower + b'/low'); os.mkdir(mnt + b'/new')\n"
        + "for n in names:\n"
        + "    open(lower + b'/low/' + n, 'wb').write(n)\n"
        + "    open(mnt + b'/new/' + n, 'wb').write(n)\n"
        + "    os.mkdir(mnt + b'/new/d' + n[:200])\n"
        + "    os.symlink(n, mnt + b'/new/s' + n[:200])\n"
        + "shown = sorted(os.listdir(mnt + b'/low'))\n"
        + "assert shown == sorted(names), shown\n"
        + "for n in names:\n"
        + "    assert open(mnt + b'/low/' + n, 'rb').read() == n\n"
        + "    assert open(upper + b'/new/' + n, 'rb').read() == n\n"
        + "    assert os.readlink(mnt + b'/new/s' + n[:200]) == n\n"
        + "    assert os.readlink(upper + b'/new/s' + n[:200]) == n\n"
        + "expected = sorted(names + [b'd' + n[:200] for n in names] + [b's' + n[:200] for n in names])\n"
        + "assert sorted(os.listdir(upper + b'/new')) == expected, os.listdir(upper + b'/new')\n"
        + "assert sorted(os.listdir(mnt + b'/new')) == expected\n"
        + "for n in names:\n"
        + "    os.rename(mnt + b'/low/' + n, mnt + b'/low/r' + n[:200]); os.unlink(mnt + b'/low/r' + n[:200])\n"
        + "assert os.listdir(mnt + b'/low') == []\n"
        + "print('ok')\n";
    try (OverlayMount m = l.mount()) {
      assertEquals("ok\n", Sh.python(prog));
      assertEquals("ENAMETOOLONG", Sh.errno("open(b'" + l.mnt + "/' + b'n' * 256, 'wb')"));
    }
    try (OverlayMount m = l.mount()) {
      assertEquals("[]\n", Sh.python("import os; print(os.listdir(b'" + l.mnt + "/low'))"),
          "the whiteouts of the renamed lower names, 255-byte ones included, still hide them");
    }
  }

  /** Lower names of 251, 252 and 255 bytes to rename and remove, and short ones to rename to any length. */
  private static final String LONG_LAYER = "import os\n"
      + "for n in (251, 252, 255):\n"
      + "    for c in (b'L', b'U'): open(b'l1/' + c * n, 'w').write('low')\n"
      + "for n in (251, 252, 255, 256): open(b'l1/r%d' % n, 'w').write('r')\n"
      + "os.mkdir(b'l1/d'); open(b'l1/d/x', 'w').write('x'); open(b'l1/f', 'w').write('f')\n";

  /** Every way a name is made, looked up, renamed or removed, at and around the limit. */
  private static final String LONG_OPERATIONS = "for n in (251, 252, 255, 256):\n"
      + "    N = lambda c: mnt + b'/' + c * n\n"
      + "    print(n, 'create', e(lambda: os.close(os.open(N(b'c'), os.O_CREAT | os.O_EXCL | os.O_WRONLY))),"
      + " 'mkdir', e(lambda: os.mkdir(N(b'm'))), 'mknod', e(lambda: os.mkfifo(N(b'p'))),"
      + " 'symlink', e(lambda: os.symlink(b'f', N(b's'))), 'link', e(lambda: os.link(mnt + b'/f', N(b'h'))),"
      + " 'rename-to', e(lambda: os.rename(mnt + b'/r%d' % n, N(b'R'))))\n"
      + "    print(n, 'lookup', [e(lambda: os.lstat(N(c))) for c in (b'c', b'm', b'p', b's', b'h', b'R', b'L', b'U')],"
      + " 'in-lower-dir', e(lambda: os.lstat(mnt + b'/d/' + b'q' * n)),"
      + " 'rename-away', e(lambda: os.rename(N(b'L'), mnt + b'/l%d' % n)), 'unlink', e(lambda: os.unlink(N(b'U'))),"
      + " 'unlink-new', e(lambda: os.unlink(N(b'c'))), 'rmdir-new', e(lambda: os.rmdir(N(b'm'))))\n"
      + "print('statvfs', os.statvfs(mnt).f_namemax, 'pathconf', os.pathconf(mnt, 'PC_NAME_MAX'))\n"
      + "print(sorted(short(n) for n in os.listdir(mnt)))\n";

  @Test
  void namesAsLongAsTheKernelOverlayAllowsAndWhatStatfsSays() throws Exception {
    Layers ours = Layers.in(Files.createDirectory(dir.resolve("ours")), 1);
    Layers kernel = Layers.in(Files.createDirectory(dir.resolve("kernel")), 1);
    Sh.ok("cd " + ours.root + " && python3 -c \"" + LONG_LAYER + "\" && cd " + kernel.root
        + " && python3 -c \"" + LONG_LAYER + "\"");
    String expected;
    try (KernelOverlay k = KernelOverlay.mount(kernel)) {
      expected = KernelOverlay.python(kernel.mnt, LONG_OPERATIONS);
    }
    String actual;
    try (OverlayMount m = ours.mount()) {
      actual = KernelOverlay.python(ours.mnt, LONG_OPERATIONS);
    }
    assertEquals(expected, actual);
    assertEquals(KernelOverlay.upper(kernel, 1), KernelOverlay.upper(ours, 1));
  }
}
