package io.usernetes.identity.idmap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

class Fnv1aTest {
  /** The textbook definition over the bytes of a string, to check the digit-by-digit version. */
  private static long reference(String text) {
    int hash = 0x811C9DC5;
    for (byte b : text.getBytes(StandardCharsets.US_ASCII)) {
      hash ^= b & 0xFF;
      hash *= 0x01000193;
    }
    return Integer.toUnsignedLong(hash);
  }

  @Test
  void knownValues() {
    // FNV-1a 32 of "0" and "60000", computed independently (e.g. Go's hash/fnv New32a).
    assertEquals(0x350CA8AFL, Fnv1a.hashDecimal(0));
    assertEquals(reference("60000"), Fnv1a.hashDecimal(60000));
    assertEquals(reference("4294967294"), Fnv1a.hashDecimal(4294967294L));
  }

  @Property
  void agreesWithTheDefinitionOverTheDecimalString(@ForAll @LongRange(min = 0, max = 0xFFFFFFFEL) long id) {
    assertEquals(reference(Long.toString(id)), Fnv1a.hashDecimal(id));
  }

  @Test
  void rejectsNegativeIds() {
    assertThrows(IllegalArgumentException.class, () -> Fnv1a.hashDecimal(-1));
  }
}
