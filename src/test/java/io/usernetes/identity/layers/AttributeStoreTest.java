package io.usernetes.identity.layers;

import io.usernetes.identity.kernel.Attributes;
import io.usernetes.identity.kernel.Entries;
import io.usernetes.identity.kernel.Fd;
import io.usernetes.identity.kernel.Open;
import io.usernetes.identity.kernel.Stat;
import io.usernetes.identity.kernel.Xattrs;
import io.usernetes.identity.ownership.OverrideStat;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Owner and mode kept on the objects or in overrides, on a plain directory (no mount). */
class AttributeStoreTest {
  private static final byte[] OVERRIDE = b(OverrideStat.XATTR);
  private static final AttributeStore UPPER = AttributeStore.upper(OverrideStat.XATTR);

  @TempDir Path tmp;
  Fd dir;

  @BeforeEach
  void open() throws Exception {
    dir = Open.directory(b(tmp.toString()));
  }

  @AfterEach
  void close() throws Exception {
    dir.close();
  }

  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  private String override(String name) throws Exception {
    byte[] v = Xattrs.getAtOrNull(dir, b(name), OVERRIDE);
    return v == null ? null : new String(v, StandardCharsets.US_ASCII);
  }

  private Stat made(String name, int type) throws Exception {
    if (type == Stat.S_IFDIR) {
      Entries.mkdirat(dir, b(name), 0700);
    } else {
      Entries.mknodat(dir, b(name), type | 0600, 0, 0);
    }
    return Attributes.statx(dir, b(name));
  }

  @Test
  void anUpperOverrideHoldsOwnerAndModeAndTheBackingFileStaysTheUsers() throws Exception {
    Stat st = made("f", Stat.S_IFREG);
    UPPER.initialize(dir, b("f"), st, Stat.S_IFREG, 1633, 1520, 04755, 0, 0);
    assertEquals("1633:1520:4755:file", override("f"));
    Stat backing = Attributes.statx(dir, b("f"));
    assertEquals(st.uid() + ":" + st.gid() + " 755", backing.uid() + ":" + backing.gid() + " "
        + Integer.toOctalString(backing.permissions()), "no set-id bit and no chown on the backing file");
    AttributeStore.Stored s = UPPER.read(dir, b("f"));
    assertEquals(0104755, s.mode());
    assertEquals(1633, s.uid());
    assertFalse(s.trueIds());

    UPPER.chmod(dir, b("f"), Stat.S_IFREG, 02750);
    assertEquals("1633:1520:2750:file", override("f"));
    // as the kernel does on chown: set-user-id always cleared, set-group-id when group-executable
    UPPER.chown(dir, b("f"), Stat.S_IFREG, 1000, Attributes.UNCHANGED);
    assertEquals("1000:1520:0750:file", override("f"));
  }

  @Test
  void aDeviceBecomesARegularFileWhoseOverrideNamesIt() throws Exception {
    assertEquals(Stat.S_IFREG, UPPER.backingType(Stat.S_IFCHR));
    assertEquals(Stat.S_IFREG, UPPER.backingType(Stat.S_IFIFO));
    assertEquals(Stat.S_IFLNK, UPPER.backingType(Stat.S_IFLNK), "symlinks keep their own owner");
    assertEquals(Stat.S_IFCHR, AttributeStore.OWN.backingType(Stat.S_IFCHR));
    Stat st = made("null", Stat.S_IFREG);
    UPPER.initialize(dir, b("null"), st, Stat.S_IFCHR, 0, 0, 0666, 1, 3);
    assertEquals("0:0:0666:char-1-3", override("null"));
    AttributeStore.Stored s = UPPER.read(dir, b("null"));
    assertEquals(Stat.S_IFCHR, s.type());
    assertEquals(1, s.rdevMajor());
    assertEquals(3, s.rdevMinor());
    UPPER.chown(dir, b("null"), Stat.S_IFREG, 5, 5);
    assertEquals("5:5:0666:char-1-3", override("null"));
  }

  @Test
  void withoutOverridesTheObjectItselfIsChanged() throws Exception {
    Stat st = made("d", Stat.S_IFDIR);
    AttributeStore.OWN.initialize(dir, b("d"), st, Stat.S_IFDIR, 1633, 1633, 02755, 0, 0);
    Stat after = Attributes.statx(dir, b("d"));
    assertEquals("1633:1633 2755", after.uid() + ":" + after.gid() + " " + Integer.toOctalString(after.permissions()));
    assertNull(override("d"));
    AttributeStore.OWN.chmod(dir, b("d"), Stat.S_IFDIR, 0700);
    assertEquals(0700, Attributes.statx(dir, b("d")).permissions());
  }

  @Test
  void aMalformedOrMissingOverrideLeavesTheObjectsOwn() throws Exception {
    Stat st = made("f", Stat.S_IFREG);
    Xattrs.setAt(dir, b("f"), OVERRIDE, b("0:0:4755:nonsense"), 0);
    AttributeStore.Stored s = UPPER.read(dir, b("f"));
    assertEquals(st.mode(), s.mode());
    assertEquals(st.uid(), s.uid());
    // an override an upper layer was not told to keep means nothing
    Xattrs.setAt(dir, b("f"), OVERRIDE, b("0:0:4755"), 0);
    assertEquals(st.mode(), AttributeStore.OWN.read(dir, b("f")).mode());
  }

  @Test
  void aLowerLayersOverrideHoldsTrueIdsAndIsNeverWritten() throws Exception {
    AttributeStore lower = AttributeStore.lower(OverrideStat.XATTR);
    Stat st = made("f", Stat.S_IFREG);
    Xattrs.setAt(dir, b("f"), OVERRIDE, b("60000:60000:0644"), 0);
    AttributeStore.Stored s = lower.read(dir, b("f"));
    assertEquals(60000, s.uid());
    assertEquals(0100644, s.mode());
    assertEquals(true, s.trueIds());
    assertThrows(IllegalStateException.class, () -> lower.chmod(dir, b("f"), st.type(), 0600));
  }
}
