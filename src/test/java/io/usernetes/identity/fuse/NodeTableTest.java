package io.usernetes.identity.fuse;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.usernetes.identity.fuse.NodeTable.Node;
import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class NodeTableTest {
  private static final long K = 4242;
  private static final long K2 = 4343;

  private final NodeTable t = new NodeTable();
  private final Node root = t.get(NodeTable.ROOT_ID);

  /** The path as a string (Latin-1, one char a byte), or null. */
  static String path(NodeTable t, Node n) {
    byte[] p = t.path(n);
    return p == null ? null : new String(p, StandardCharsets.ISO_8859_1);
  }

  private String path(Node n) {
    return path(t, n);
  }

  private static List<String> names(Node n) {
    return n.names.stream().map(NodeTable.Name::name).toList();
  }

  // ---------------------------------------------------------------- paths

  @Test
  void theRootIsTheEmptyPathAndIsThereFromTheStart() {
    assertNotNull(root);
    assertEquals(NodeTable.ROOT_ID, root.id);
    assertEquals(1, root.lookups);
    assertEquals(1, t.size());
    assertArrayEquals(new byte[0], t.path(root));
  }

  @Test
  void childrenArePathsBelowTheRoot() {
    Node a = t.found(root, "a", 0);
    Node b = t.found(a, "b", 0);
    Node c = t.found(b, "c", 0);
    assertEquals("a", path(a));
    assertEquals("a/b", path(b));
    assertEquals("a/b/c", path(c));
    assertSame(c, t.child(b, "c"));
    assertNull(t.child(a, "c"));
    assertEquals(4, t.size());
  }

  @Test
  void thePathOfANameInADirectory() {
    Node a = t.found(root, "a", 0);
    assertEquals("x", new String(t.path(root, b("x")), StandardCharsets.ISO_8859_1));
    assertEquals("a/x", new String(t.path(a, b("x")), StandardCharsets.ISO_8859_1));
    t.removed(root, "a");
    assertNull(t.path(a, b("x")), "a directory without a name has no names in it");
  }

  @Test
  void namesAreBytesOneCharEach() {
    byte[] raw = {(byte) 0xE9, 'x', (byte) 0xFF, (byte) 0x80};
    Node d = t.found(root, NodeTable.name(raw), 0);
    Node f = t.found(d, NodeTable.name(new byte[] {(byte) 0xC3, (byte) 0xA9}), 0);
    assertArrayEquals(raw, t.path(d));
    assertArrayEquals(new byte[] {(byte) 0xE9, 'x', (byte) 0xFF, (byte) 0x80, '/', (byte) 0xC3, (byte) 0xA9},
        t.path(f));
  }

  @Test
  void aNodeWhoseNameOrAnAncestorsNameWasRemovedHasNoPath() {
    Node a = t.found(root, "a", 0);
    Node b = t.found(a, "b", 0);
    Node c = t.found(b, "c", 0);
    t.removed(b, "c");
    assertNull(path(c), "its own name removed");
    assertEquals("a/b", path(b));
    t.removed(root, "a");
    assertNull(path(a));
    assertNull(path(b), "its parent's name removed");
    assertNull(t.path(b, b("z")));
    assertNotNull(t.get(b.id), "removing a name forgets nothing");
  }

  @Test
  void aRenamedDirectoryMovesEveryPathBelowIt() {
    Node a = t.found(root, "a", 0);
    Node b = t.found(a, "b", 0);
    Node c = t.found(b, "c", 0);
    Node x = t.found(root, "x", 0);
    t.renamed(root, "a", x, "moved");
    assertEquals("x/moved", path(a));
    assertEquals("x/moved/b", path(b));
    assertEquals("x/moved/b/c", path(c));
    assertSame(a, t.child(x, "moved"));
    assertNull(t.child(root, "a"));
    t.renamed(a, "b", root, "top");
    assertEquals("top", path(b));
    assertEquals("top/c", path(c));
  }

  // ---------------------------------------------------------------- found

  @Test
  void theSameNameTwiceIsOneNodeWithTwoLookups() {
    Node a = t.found(root, "a", 0);
    assertEquals(1, a.lookups);
    assertSame(a, t.found(root, "a", 0));
    assertEquals(2, a.lookups);
    assertEquals(List.of("a"), names(a), "not listed twice");
    Node f = t.found(root, "f", K);
    assertSame(f, t.found(root, "f", K));
    assertEquals(2, f.lookups);
    assertEquals(List.of("f"), names(f));
    assertSame(f, t.found(root, "f", 0), "no key says nothing against the node's");
    assertEquals(3, f.lookups);
    assertEquals(K, f.linkKey);
  }

  @Test
  void noLinkKeyNeverJoinsNodes() {
    Node a = t.found(root, "a", 0);
    Node b = t.found(root, "b", 0);
    assertNotSame(a, b);
    assertNotEquals(a.id, b.id);
    assertEquals(List.of("a"), names(a));
    assertEquals(List.of("b"), names(b));
    assertEquals(0, a.linkKey);
    assertEquals(0, b.linkKey);
  }

  @Test
  void oneLinkKeyUnderTwoNamesIsOneNodeWithBothPathsFromTheLastFound() {
    Node d = t.found(root, "d", 0);
    Node first = t.found(root, "a", K);
    Node second = t.found(d, "b", K);
    assertSame(first, second);
    assertEquals(2, first.lookups);
    assertEquals(List.of("b", "a"), names(first));
    assertEquals("d/b", path(first), "the name just found is known to exist");
    assertSame(first, t.child(root, "a"));
    assertSame(first, t.child(d, "b"));
    Node other = t.found(root, "c", K2);
    assertNotSame(first, other, "another key is another file");
    assertEquals(4, t.size(), "root, d, the file, the other");
  }

  @Test
  void aNodeWithoutKeyTakesTheKeyItIsFoundWithWhenNoOtherNodeHasIt() {
    Node a = t.found(root, "a", 0);
    Node again = t.found(root, "a", K);
    assertSame(a, again, "the file got its second name since");
    assertEquals(K, a.linkKey);
    assertEquals(2, a.lookups);
    Node b = t.found(root, "b", K);
    assertSame(a, b, "the key now finds it");
    assertEquals(Set.of("a", "b"), new HashSet<>(names(a)));
  }

  @Test
  void aNodeWithoutKeyLosesItsNameToTheNodeThatHasTheKey() {
    Node f = t.found(root, "f", K);
    Node a = t.found(root, "a", 0);
    Node moved = t.found(root, "a", K);
    assertSame(f, moved);
    assertEquals(List.of(), names(a));
    assertNull(path(a));
    assertEquals(0, a.linkKey);
    assertEquals(1, a.lookups, "the old node keeps the kernel's lookups");
    assertEquals(2, f.lookups);
    assertEquals("a", path(f));
    assertSame(f, t.child(root, "a"));
  }

  @Test
  void aNameFoundWithAnotherKeyMovesToThatKeysNodeOrANewOne() {
    Node d = t.found(root, "d", 0);
    Node x = t.found(root, "x", K);
    t.found(d, "x2", K);
    Node y = t.found(root, "y", K2);
    // "x" now names the file of K2
    assertSame(y, t.found(root, "x", K2));
    assertEquals(List.of("x2"), names(x));
    assertEquals("d/x2", path(x));
    assertEquals(List.of("x", "y"), names(y));
    assertEquals("x", path(y));
    // and then a file no node has yet
    Node z = t.found(root, "x", 777);
    assertNotSame(y, z);
    assertNotSame(x, z);
    assertTrue(z.id > y.id);
    assertEquals(777, z.linkKey);
    assertEquals(1, z.lookups);
    assertEquals(List.of("y"), names(y));
    assertEquals(K2, y.linkKey, "the node the name left keeps its file's key");
    assertSame(y, t.found(root, "y", K2));
    assertSame(z, t.found(d, "z", 777), "the new node is found by its key");
  }

  // ---------------------------------------------------------------- linked

  @Test
  void aLinkAddsTheNewNameToTheNodeAndTheFirstNameStaysThePath() {
    Node d = t.found(root, "d", 0);
    Node a = t.found(root, "a", 0);
    t.linked(a, d, "b", K);
    assertEquals(2, a.lookups);
    assertEquals(List.of("a", "b"), names(a));
    assertEquals("a", path(a));
    assertSame(a, t.child(d, "b"));
    assertEquals(K, a.linkKey);
    assertSame(a, t.found(root, "c", K), "the key the link reported finds the node");
  }

  @Test
  void aLinkOverANameTheTableStillHasTakesIt() {
    Node a = t.found(root, "a", 0);
    Node stale = t.found(root, "b", 0);
    t.linked(a, root, "b", K);
    assertSame(a, t.child(root, "b"));
    assertEquals(List.of(), names(stale));
    assertNull(path(stale));
  }

  @Test
  void aLinkNeverGivesTwoLiveNodesOneKey() {
    // two nodes of one upper file: "b" was linked to "a" outside the mount, so the table met the
    // file as "a" (one link: no key) and then as "b" (two links: key K)
    Node a = t.found(root, "a", 0);
    Node b = t.found(root, "b", K);
    assertNotSame(a, b);
    t.linked(a, root, "c", K); // a link through the mount reports the same inode
    assertFalse(a.linkKey == K && b.linkKey == K,
        () -> "both node " + a.id + " and node " + b.id + " have key " + K);
  }

  // ---------------------------------------------------------------- removed

  @Test
  void removingANameRemovesOnlyThatName() {
    Node a = t.found(root, "a", 0);
    Node b = t.found(root, "b", 0);
    t.removed(root, "a");
    assertNull(t.child(root, "a"));
    assertEquals(List.of(), names(a));
    assertSame(b, t.child(root, "b"));
    assertEquals("b", path(b));
    t.removed(root, "nothing");
    t.removed(a, "b");
    assertSame(b, t.child(root, "b"), "the same name in another directory is another name");
  }

  @Test
  void unlinkingOneOfTwoNamesLeavesTheOtherAsThePath() {
    Node d = t.found(root, "d", 0);
    Node f = t.found(root, "a", K);
    t.found(d, "b", K);
    assertEquals("d/b", path(f));
    t.removed(d, "b");
    assertEquals(List.of("a"), names(f));
    assertEquals("a", path(f));
    assertNull(t.child(d, "b"));
    t.found(d, "b", K);
    t.removed(root, "a");
    assertEquals("d/b", path(f));
    assertEquals(3, f.lookups, "removing names forgets no lookups");
  }

  // ---------------------------------------------------------------- renamed

  @Test
  void aRenameReplacesTheTargetsName() {
    Node d = t.found(root, "d", 0);
    Node a = t.found(root, "a", 0);
    Node target = t.found(d, "t", 0);
    t.renamed(root, "a", d, "t");
    assertSame(a, t.child(d, "t"));
    assertNull(t.child(root, "a"));
    assertEquals("d/t", path(a));
    assertEquals(List.of(), names(target));
    assertNull(path(target));
    assertNotNull(t.get(target.id), "the replaced node waits for the kernel's forget");
  }

  @Test
  void aRenamedNameKeepsItsPlaceAmongTheNodesNames() {
    Node d = t.found(root, "d", 0);
    Node f = t.found(root, "a", K);
    t.found(d, "b", K);
    assertEquals(List.of("b", "a"), names(f));
    t.renamed(root, "a", d, "a2");
    assertEquals(List.of("b", "a2"), names(f));
    assertSame(d, f.names.get(1).parent());
    assertEquals("d/b", path(f), "the second name moved: the path is still the first's");
    t.renamed(d, "b", root, "b2");
    assertEquals(List.of("b2", "a2"), names(f));
    assertEquals("b2", path(f));
    assertNull(t.child(d, "b"));
    assertSame(f, t.child(root, "b2"));
    assertSame(f, t.child(d, "a2"));
  }

  @Test
  void aRenameBetweenTwoNamesOfOneNodeChangesNothing() {
    Node f = t.found(root, "a", K);
    t.found(root, "b", K);
    List<NodeTable.Name> before = List.copyOf(f.names);
    t.renamed(root, "a", root, "b");
    assertEquals(before, f.names);
    assertSame(f, t.child(root, "a"));
    assertSame(f, t.child(root, "b"));
    t.renamed(root, "b", root, "b");
    assertEquals(before, f.names);
  }

  @Test
  void aRenameOfANameTheTableDoesNotKnowStillTakesTheTargetsName() {
    Node target = t.found(root, "t", 0);
    t.renamed(root, "unknown", root, "t");
    assertNull(t.child(root, "t"));
    assertEquals(List.of(), names(target));
    assertNull(t.child(root, "unknown"));
  }

  // ---------------------------------------------------------------- open files removed

  /** {@code Unlinked.isHiddenName}'s rule, replicated (it is package-private in overlay). */
  private static boolean overlayTakesAsHidden(String name) {
    byte[] b = name.getBytes(StandardCharsets.ISO_8859_1);
    byte[] prefix = ".fuse_hidden".getBytes(StandardCharsets.US_ASCII);
    if (b.length != prefix.length + 16) {
      return false;
    }
    for (int i = 0; i < b.length; i++) {
      byte c = b[i];
      if (i < prefix.length ? c != prefix[i] : Character.digit(c, 16) < 0 || Character.isUpperCase(c)) {
        return false;
      }
    }
    return true;
  }

  /** The same rule as a regular expression. */
  static final Pattern HIDDEN = Pattern.compile("\\.fuse_hidden[0-9a-f]{16}");

  @Test
  void theReplicatedRuleAndTheExpressionAgree() {
    for (String s : List.of(".fuse_hidden0000000200000001", ".fuse_hiddenabcdef0123456789",
        ".fuse_hidden000000020000000", ".fuse_hidden000000020000000G", ".fuse_hiddenABCDEF0123456789",
        "_fuse_hidden0000000200000001", ".fuse_hidden00000002000000011", ".fuse_hidden0000000200000001\n",
        ".fuse_hidden00000002000000\u00e91")) {
      assertEquals(overlayTakesAsHidden(s), HIDDEN.matcher(s).matches(), s);
    }
  }

  @Test
  void hiddenNamesHaveLibfusesFormWhichTheOverlayKeepsOutOfTheTree() {
    Node f = t.found(root, "f", 0);
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 300; i++) {
      String h = t.hiddenName(f);
      assertTrue(HIDDEN.matcher(h).matches(), h);
      assertTrue(overlayTakesAsHidden(h), h);
      assertTrue(h.startsWith(".fuse_hidden" + String.format("%08x", f.id)), h);
      assertTrue(seen.add(h), () -> "again: " + h);
    }
    assertEquals(".fuse_hidden" + String.format("%08x", f.id) + "0000012c", t.hiddenName(f));
  }

  @Test
  void hiddenNamesKeepTheirFormWhenTheCounterWraps() throws ReflectiveOperationException {
    Node f = t.found(root, "f", 0);
    Field counter = NodeTable.class.getDeclaredField("hiddenCounter");
    counter.setAccessible(true);
    counter.setInt(t, Integer.MAX_VALUE);
    for (int i = 0; i < 3; i++) {
      String h = t.hiddenName(f);
      assertTrue(overlayTakesAsHidden(h), h);
      assertTrue(HIDDEN.matcher(h).matches(), h);
    }
  }

  @Test
  void onlyAnOpenNodeWithOneNameMustBeHidden() {
    assertFalse(NodeTable.mustHide(null), "a name the table does not know");
    Node f = t.found(root, "f", K);
    assertFalse(NodeTable.mustHide(f), "closed");
    f.opens = 1;
    assertTrue(NodeTable.mustHide(f));
    t.found(root, "g", K);
    assertFalse(NodeTable.mustHide(f), "another name keeps it");
    t.removed(root, "g");
    assertTrue(NodeTable.mustHide(f));
    f.opens = 0;
    assertFalse(NodeTable.mustHide(f));
  }

  @Test
  void aHiddenNodeIsKnownByItsHiddenNameAndReleasedOnceAfterItsLastOpen() {
    Node d = t.found(root, "d", 0);
    Node f = t.found(d, "f", 0);
    f.opens = 2;
    assertTrue(NodeTable.mustHide(f));
    String h = t.hiddenName(f);
    t.hidden(f, d, "f", h);
    assertTrue(f.hidden);
    assertNull(t.child(d, "f"));
    assertSame(f, t.child(d, h));
    assertEquals("d/" + h, path(f));
    assertFalse(t.released(f), "still open once");
    assertEquals(1, f.opens);
    assertTrue(t.released(f), "the last release removes the hidden name");
    assertFalse(f.hidden);
    assertEquals(0, f.opens);
    f.opens = 1;
    assertFalse(t.released(f), "only once");
  }

  @Test
  void aFileThatWasNeverHiddenIsNeverToBeRemovedAtRelease() {
    Node f = t.found(root, "f", 0);
    f.opens = 1;
    assertFalse(t.released(f));
    assertEquals(0, f.opens);
  }

  @Test
  void hidingReplacesWhatWasUnderTheHiddenName() {
    Node f = t.found(root, "f", 0);
    String h = t.hiddenName(f);
    Node stale = t.found(root, h, 0);
    f.opens = 1;
    t.hidden(f, root, "f", h);
    assertSame(f, t.child(root, h));
    assertEquals(List.of(), names(stale));
  }

  // ---------------------------------------------------------------- forget

  @Test
  void aNodeIsGoneOnlyWhenItsLastLookupIsForgotten() {
    Node a = t.found(root, "a", K);
    t.found(root, "a", K);
    t.found(root, "b", K);
    assertEquals(3, a.lookups);
    t.forget(a.id, 2);
    assertSame(a, t.get(a.id));
    assertSame(a, t.child(root, "a"));
    assertEquals("b", path(a));
    assertEquals(2, t.size());
    t.forget(a.id, 1);
    assertNull(t.get(a.id));
    assertNull(t.child(root, "a"));
    assertNull(t.child(root, "b"));
    assertEquals(1, t.size());
    Node again = t.found(root, "a", K);
    assertNotSame(a, again, "the key is free too");
    assertTrue(again.id > a.id);
    assertEquals(1, again.lookups);
  }

  @Test
  void forgettingMoreThanThereIsForgetsTheNode() {
    Node a = t.found(root, "a", 0);
    t.forget(a.id, 5);
    assertNull(t.get(a.id));
    t.forget(a.id, 1); // twice: nothing left to forget
    t.forget(12345, 1); // never known
    assertEquals(1, t.size());
  }

  @Test
  void theRootIsNeverForgotten() {
    Node a = t.found(root, "a", 0);
    t.forget(NodeTable.ROOT_ID, 1);
    t.forget(NodeTable.ROOT_ID, Long.MAX_VALUE);
    assertSame(root, t.get(NodeTable.ROOT_ID));
    assertArrayEquals(new byte[0], t.path(root));
    assertEquals("a", path(a));
    assertSame(a, t.found(root, "a", 0));
  }

  @Test
  void aForgottenNodesNameIsFoundAgainAsANewNodeAndIdsAreNeverReused() {
    Set<Long> ids = new HashSet<>();
    long last = NodeTable.ROOT_ID;
    for (int i = 0; i < 50; i++) {
      Node a = t.found(root, "a", i % 2 == 0 ? 0 : K);
      assertTrue(a.id > last, () -> "id " + a.id + " after " + ids);
      assertTrue(ids.add(a.id));
      assertEquals(1, a.lookups);
      assertEquals("a", path(a));
      last = a.id;
      t.forget(a.id, 1);
      assertNull(t.get(a.id));
      assertNull(t.child(root, "a"));
    }
    assertEquals(1, t.size());
  }

  @Test
  void aNodeForgottenAfterItsNameMovedOnLeavesTheNameToItsNewNode() {
    Node a = t.found(root, "a", 0);
    Node f = t.found(root, "f", K);
    assertSame(f, t.found(root, "a", K)); // "a" is now f's
    t.forget(a.id, 1);
    assertNull(t.get(a.id));
    assertSame(f, t.child(root, "a"), "the forgotten node's old name is not taken from its new node");
    Node r = t.found(root, "r", 0);
    t.renamed(root, "r", root, "f"); // r replaces f's name "f": f keeps "a"
    t.forget(f.id, 1);
    assertSame(f, t.get(f.id));
    t.forget(f.id, 1);
    assertNull(t.get(f.id));
    assertSame(r, t.child(root, "f"));
    assertNull(t.child(root, "a"));
  }

  @Test
  void aForgottenDirectoryStillNamesWhatIsBelowIt() {
    // the kernel can evict "d" and "d/b" while it keeps the file's inode by its other name "a",
    // and then forgets d's node with the file's node still live
    Node d = t.found(root, "d", 0);
    Node f = t.found(root, "a", K);
    t.found(d, "b", K);
    assertEquals("d/b", path(f));
    t.forget(d.id, 1);
    assertNull(t.get(d.id));
    assertNotNull(path(f), "both d/b and a still exist");
  }

  @Test
  void aNameFoundAgainIsThePathFromThenOn() {
    Node d = t.found(root, "d", 0);
    Node f = t.found(root, "a", K);
    t.found(d, "b", K);
    assertEquals("d/b", path(f));
    assertSame(f, t.found(root, "a", K)); // "a" is the name just known to exist
    assertEquals("a", path(f));
  }

  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }
}
