package io.usernetes.identity.layers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ResolvedPathsTest {
  private static byte[] p(String path) {
    return path.getBytes(StandardCharsets.ISO_8859_1);
  }

  private static Node node(String path) {
    return new Node(p(path), 0, Node.S_IFDIR, new int[] {0}, new byte[][] {p(path)});
  }

  @Test
  void theLeastRecentlyUsedPathDropsOutAndAParentInUseStays() {
    ResolvedPaths paths = new ResolvedPaths(3);
    Node dir = node("dir");
    paths.put(p("dir"), dir);
    paths.put(p("dir/a"), node("dir/a"));
    paths.put(p("dir/b"), node("dir/b"));
    assertSame(dir, paths.get(p("dir")), "a lookup below it uses the parent first");
    paths.put(p("dir/c"), node("dir/c"));
    assertEquals(3, paths.size());
    assertNull(paths.get(p("dir/a")), "the least recently used went");
    assertSame(dir, paths.get(p("dir")));
  }

  @Test
  void removeTreeForgetsADirectoryAndWhatIsBelowItOnly() {
    ResolvedPaths paths = new ResolvedPaths(10);
    for (String path : new String[] {"d", "d/x", "d/x/y", "dd", "e"}) {
      paths.put(p(path), node(path));
    }
    paths.removeTree(p("d"));
    assertNull(paths.get(p("d")));
    assertNull(paths.get(p("d/x/y")));
    assertEquals(2, paths.size(), "dd and e stay");
    paths.removeTree(p(""));
    assertEquals(0, paths.size(), "the root forgets everything");
  }
}
