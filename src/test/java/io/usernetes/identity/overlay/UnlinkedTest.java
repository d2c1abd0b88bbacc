package io.usernetes.identity.overlay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

class UnlinkedTest {
  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  @Test
  void onlyLibfusesOwnFormIsAHiddenName() {
    assertTrue(Unlinked.isHiddenName(b(".fuse_hidden0000000200000001")));
    assertTrue(Unlinked.isHiddenName(b(".fuse_hiddenabcdef0123456789")));
    assertFalse(Unlinked.isHiddenName(b(".fuse_hidden000000020000000")), "15 digits");
    assertFalse(Unlinked.isHiddenName(b(".fuse_hidden000000020000000G")));
    assertFalse(Unlinked.isHiddenName(b(".fuse_hiddenABCDEF0123456789")), "libfuse prints %08x");
    assertFalse(Unlinked.isHiddenName(b("_fuse_hidden0000000200000001")));
  }

  @Test
  void aRenamedDirectoryTakesWhatIsKeptBelowItAlong() {
    Unlinked u = new Unlinked();
    Unlinked.Kept k = new Unlinked.Kept(true, 0, null, b("#1"), ConcurrentHashMap.newKeySet());
    u.keep(b("a/b/.fuse_hidden0000000200000001"), k);
    u.moved(b("a"), b("c"));
    assertNull(u.get(b("a/b/.fuse_hidden0000000200000001")));
    assertSame(k, u.get(b("c/b/.fuse_hidden0000000200000001")));
    u.moved(b("c/"), b("x"));
    u.moved(b("c/b/.fuse_hidden"), b("x"));
    u.moved(b("c/b/.fuse_hidden0000000200000001"), b("x"));
    assertSame(k, u.get(b("c/b/.fuse_hidden0000000200000001")), "only what lies below moves");
  }

  @Test
  void aKeptFileIsForgottenAtItsLastReleaseOnlyWhenLibfuseLostItsName() {
    Unlinked u = new Unlinked();
    OpenFile one = new OpenFile(null, true);
    OpenFile two = new OpenFile(null, false);
    Unlinked.Kept k = new Unlinked.Kept(true, 0, null, b("#1"), ConcurrentHashMap.newKeySet());
    k.holders().addAll(List.of(one, two));
    u.keep(b("d/.fuse_hidden0000000200000001"), k);
    assertEquals(List.of(), u.released(one, true), "still held");
    assertEquals(List.of(k), u.released(two, true));
    assertNull(u.get(b("d/.fuse_hidden0000000200000001")));
  }
}
