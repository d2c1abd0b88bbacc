package io.usernetes.identity.supervisor;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * A refusal's reason goes into the supervisor's log, and a peer chooses its text: it must be one
 * line with no control characters (no forged log lines, no terminal escapes) and short.
 */
class StateParserLogSafetyTest {
  private static String reason(byte[] message) {
    return assertThrows(StateRejectedException.class, () -> StateParser.parse(message)).getMessage();
  }

  private static void assertLogSafe(String reason) {
    assertTrue(reason.codePoints().noneMatch(c -> Character.isISOControl(c)
        || Character.getType(c) == Character.FORMAT), reason);
    assertTrue(reason.length() < 400, reason);
  }

  @Test
  void garbageWithEscapesAndLineBreaksGivesOneCleanLine() {
    byte[] garbage = "\u001b[31mx\r\n2026-01-01 [INFO] forged line\u0085\u202e".repeat(50)
        .getBytes(StandardCharsets.UTF_8);
    assertLogSafe(reason(garbage));
  }

  @Test
  void aBadAnnotationNameIsPrintedSafely() {
    String json = "{\"ociVersion\":\"1\",\"pid\":1,\"state\":{\"id\":\"c\",\"status\":\"creating\","
        + "\"annotations\":{\"a\\u001b[2J\\u0085\\nb\":1}}}";
    assertLogSafe(reason(json.getBytes(StandardCharsets.UTF_8)));
  }
}
