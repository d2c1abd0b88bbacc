package io.usernetes.identity.mount.options;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class LowerDirsTest {
  @Test
  void splitsTopFirst() {
    assertEquals(List.of("/g/l/A", "/g/l/B", "/g/l/C"), LowerDirs.split("/g/l/A:/g/l/B:/g/l/C"));
    assertEquals(List.of("only"), LowerDirs.split("only"));
  }

  @Test
  void escapes() {
    // fuse-overlayfs's own test mounts lowerdir=lower\:1
    assertEquals(List.of("lower:1"), LowerDirs.split("lower\\:1"));
    assertEquals(List.of("a\\", "b"), LowerDirs.split("a\\\\:b"));
    assertEquals(List.of("a\\:b"), LowerDirs.split("a\\\\\\:b"));
    assertEquals(List.of("x\"y"), LowerDirs.split("x\\\"y"));
    assertEquals(List.of("a:b:c", "d"), LowerDirs.split("\"a:b:c\":d"));
  }

  @Test
  void joinEscapesWhatSplitAndTheOptionListWouldCut() {
    assertEquals("a\\:b:c\\\\:d\\,e:\\\"q\\\"", LowerDirs.join(List.of("a:b", "c\\", "d,e", "\"q\"")));
  }

  @Test
  void errors() {
    assertEquals("option \"lowerdir\" is empty",
        assertThrows(MountUsageException.class, () -> LowerDirs.split("")).getMessage());
    assertEquals("option \"lowerdir\": layer 1 of \":/a\" is empty",
        assertThrows(MountUsageException.class, () -> LowerDirs.split(":/a")).getMessage());
    assertEquals("option \"lowerdir\": layer 1 of \"\"\"\" is empty",
        assertThrows(MountUsageException.class, () -> LowerDirs.split("\"\"")).getMessage());
    assertEquals("option \"lowerdir\": a backslash at the end escapes nothing",
        assertThrows(MountUsageException.class, () -> LowerDirs.split("/a\\")).getMessage());
    assertEquals("option \"lowerdir\": a double quote is not closed",
        assertThrows(MountUsageException.class, () -> LowerDirs.split("/a\"")).getMessage());
  }
}
