package io.usernetes.identity.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import org.junit.jupiter.api.Test;

class DirEntryTest {
  @Test
  void equalityIsByNameContent() {
    DirEntry a = new DirEntry(new byte[] {'x', (byte) 0xff}, 7, DirEntry.DT_REG);
    DirEntry b = new DirEntry(new byte[] {'x', (byte) 0xff}, 7, DirEntry.DT_REG);
    assertEquals(a, b);
    assertEquals(a.hashCode(), b.hashCode());
    assertNotEquals(a, new DirEntry(new byte[] {'x', (byte) 0xfe}, 7, DirEntry.DT_REG));
    assertNotEquals(a, new DirEntry(new byte[] {'x', (byte) 0xff}, 8, DirEntry.DT_REG));
  }

  @Test
  void toStringQuotesTheNameByteExactly() {
    assertEquals("DirEntry[\"x\\xff\", ino=7, type=8]", new DirEntry(new byte[] {'x', (byte) 0xff}, 7, DirEntry.DT_REG).toString());
  }
}
