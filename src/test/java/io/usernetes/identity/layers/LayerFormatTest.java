package io.usernetes.identity.layers;

import io.usernetes.identity.ownership.OverrideStat;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Whiteout names, hidden xattrs and containers-storage's override_stat. */
class LayerFormatTest {
  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  @Test
  void whiteoutNames() {
    assertTrue(OverlayNames.isReserved(b(".wh.foo")));
    assertTrue(OverlayNames.isReserved(b(".wh..wh..opq")));
    assertFalse(OverlayNames.isReserved(b(".wh")));
    assertFalse(OverlayNames.isReserved(b("x.wh.foo")));
    assertArrayEquals(b(".wh.f\u00ffo"), OverlayNames.whiteoutOf(b("f\u00ffo")));
    assertArrayEquals(b("foo"), OverlayNames.hiddenBy(b(".wh.foo")));
    assertNull(OverlayNames.hiddenBy(OverlayNames.OPAQUE_MARKER));
    assertNull(OverlayNames.hiddenBy(b("foo")));
  }

  @Test
  void hiddenXattrsAreFilteredFromLists() {
    byte[] raw = b("user.a\0user.usernetes.uid\0trusted.overlay.opaque\0security.capability\0"
        + "user.overlay.x\0user.fuseoverlayfs.origin\0user.containers.override_stat\0");
    assertArrayEquals(b("user.a\0security.capability\0"), HiddenXattrs.filterList(raw, raw.length));
    assertTrue(HiddenXattrs.isHidden("security.fuseoverlayfs.override_stat"));
    assertFalse(HiddenXattrs.isHidden("user.containers.override_statx"));
    assertTrue(HiddenXattrs.isHidden("user.usernetes.entry.abc"));
    assertFalse(HiddenXattrs.isHidden("user.usernetesx"));
  }

  @Property
  void filteringNeverGrowsAndKeepsOnlyVisibleNames(@ForAll byte[] raw) {
    byte[] out = HiddenXattrs.filterList(raw, raw.length);
    assertTrue(out.length <= raw.length);
    for (String name : new String(out, StandardCharsets.ISO_8859_1).split("\0")) {
      assertFalse(HiddenXattrs.isHidden(name));
    }
  }

  @Test
  void overrideStatAsContainersStorageWritesIt() {
    assertEquals(Optional.of(new OverrideStat(60000, 60000, 0100644)),
        OverrideStat.parse(b("60000:60000:0644"), 0100600));
    assertEquals(Optional.of(new OverrideStat(0, 0, 0010600)),
        OverrideStat.parse(b("0:0:0600:pipe"), 0100600));
    assertEquals(Optional.of(new OverrideStat(0, 5, 0104755)),
        OverrideStat.parse(b("0:5:4755:file"), 0100600));
    assertEquals(Optional.of(new OverrideStat(0, 5, 0020620, 4, 1)),
        OverrideStat.parse(b("0:5:0620:char-4-1"), 0100600));
    assertEquals(Optional.of(new OverrideStat(0, 6, 0060660, 8, 0)),
        OverrideStat.parse(b("0:6:0660:block-8-0"), 0100600));
    for (String bad : new String[] {"", "1:2", "1:2:9", "a:2:0644", "1:2:0644:weird", "1:2:3:4:5", "-1:0:0644",
        "0:0:0644:char", "0:0:0644:char-1", "0:0:0644:char-1-x", "0:0:0644:pipe-1-2", "0:0:0644:block-4096-0"}) {
      assertEquals(Optional.empty(), OverrideStat.parse(b(bad), 0100644), bad);
    }
  }

  @Property
  void overrideStatReadsBackWhatItWrites(@ForAll("overrides") OverrideStat o) {
    assertEquals(Optional.of(o), OverrideStat.parse(o.format(), 0100644));
  }

  @Provide
  Arbitrary<OverrideStat> overrides() {
    Arbitrary<Long> ids = Arbitraries.longs().between(0, 0xffff_fffeL);
    Arbitrary<Integer> types = Arbitraries.of(0100000, 0040000, 0120000, 0010000, 0140000, 0020000, 0060000);
    return Combinators.combine(ids, ids, types, Arbitraries.integers().between(0, 07777),
        Arbitraries.integers().between(0, 0xfff), Arbitraries.integers().between(0, 0xfffff))
        .as((uid, gid, type, permissions, major, minor) -> type == 0020000 || type == 0060000
            ? new OverrideStat(uid, gid, type | permissions, major, minor)
            : new OverrideStat(uid, gid, type | permissions));
  }

  @Property
  void overrideStatNeverThrows(@ForAll byte[] value) {
    OverrideStat.parse(value, 0100644);
  }
}
