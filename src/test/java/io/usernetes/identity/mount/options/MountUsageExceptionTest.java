package io.usernetes.identity.mount.options;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class MountUsageExceptionTest {
  @Test
  void messageIsAlwaysOneLine() {
    assertEquals("a\\nb\\r\\tc\\u0000\\u2028\\u0085", new MountUsageException(
        "a\nb\r\tc\u0000\u2028\u0085").getMessage());
  }

  @Test
  void quoteShortensLongInputWithoutSplittingCharacters() {
    assertEquals("\"abc\"", MountUsageException.quote("abc"));
    String longText = "x".repeat(200);
    assertEquals("\"" + "x".repeat(120) + "…\"", MountUsageException.quote(longText));
    String emoji = "x".repeat(119) + "\uD83D\uDE00" + "y".repeat(10);
    assertEquals("\"" + "x".repeat(119) + "…\"", MountUsageException.quote(emoji));
  }
}
