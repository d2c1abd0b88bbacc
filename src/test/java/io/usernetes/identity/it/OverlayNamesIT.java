package io.usernetes.identity.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
}
