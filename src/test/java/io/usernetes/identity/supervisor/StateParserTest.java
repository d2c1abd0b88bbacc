package io.usernetes.identity.supervisor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The messages runc and crun really send (test-environment.md), and what must be refused. */
class StateParserTest {
  static final String RUNC = "{\"ociVersion\":\"1.0.2-dev\",\"fds\":[\"seccompFd\"],\"pid\":4242,"
      + "\"metadata\":\"UID=60000\\nGID=60000\",\"state\":{\"ociVersion\":\"1.0.2-dev\",\"id\":\"c1\","
      + "\"status\":\"creating\",\"pid\":4242,\"bundle\":\"/b\",\"annotations\":{\"usernetes.io/uid\":\"60000\"}}}";
  static final String CRUN = """
      {
        "ociVersion": "0.2.0",
        "fds": [
          "seccompFd"
        ],
        "pid": 77,
        "metadata": "",
        "state": {
          "ociVersion": "0.2.0",
          "id": "c2",
          "status": "creating",
          "pid": 77,
          "bundle": "/tmp/bundle"
        }
      }
      """;

  private static ContainerProcessState parse(String json) throws StateRejectedException {
    return StateParser.parse(json.getBytes(StandardCharsets.UTF_8));
  }

  private static String rejection(String json) {
    return assertThrows(StateRejectedException.class, () -> parse(json)).getMessage();
  }

  @Test
  void readsRuncsCompactMessage() throws Exception {
    ContainerProcessState s = parse(RUNC);
    assertEquals("1.0.2-dev", s.ociVersion());
    assertEquals(List.of("seccompFd"), s.fds());
    assertEquals(Optional.of(0), s.seccompFdIndex());
    assertEquals(4242, s.pid());
    assertEquals(Optional.of("UID=60000\nGID=60000"), s.metadata());
    assertEquals("c1", s.state().id());
    assertEquals("creating", s.state().status());
    assertEquals(Optional.of("/b"), s.state().bundle());
    assertEquals("60000", s.state().annotations().get("usernetes.io/uid"));
  }

  @Test
  void readsCrunsPrettyMessage() throws Exception {
    ContainerProcessState s = parse(CRUN);
    assertEquals("0.2.0", s.ociVersion());
    assertEquals(77, s.state().pid());
    assertTrue(s.state().annotations().isEmpty());
  }

  @Test
  void unknownFieldsAreAllowed() throws Exception {
    assertEquals("c", parse("{\"ociVersion\":\"1\",\"pid\":1,\"x\":[1,{\"y\":null}],"
        + "\"state\":{\"id\":\"c\",\"status\":\"running\",\"extra\":true}}").state().id());
  }

  @Test
  void refusesWhatIsNotAState() {
    assertTrue(rejection("").contains("empty"));
    assertTrue(rejection("[]").contains("not a JSON object"));
    assertTrue(rejection("{\"ociVersion\":\"1\",\"state\":{\"id\":\"c\",\"status\":\"s\"}}").contains("\"pid\""));
    assertTrue(rejection("{\"ociVersion\":\"1\",\"pid\":-3,\"state\":{\"id\":\"c\",\"status\":\"s\"}}")
        .contains("not a process id"));
    assertTrue(rejection("{\"ociVersion\":\"1\",\"pid\":99999999999,\"state\":{\"id\":\"c\",\"status\":\"s\"}}")
        .contains("not a process id"));
    assertTrue(rejection("{\"ociVersion\":\"1\",\"pid\":1}").contains("\"state\""));
    assertTrue(rejection("{\"ociVersion\":\"1\",\"pid\":1,\"state\":{\"id\":3,\"status\":\"s\"}}")
        .contains("state.id"));
    assertTrue(rejection("{\"ociVersion\":\"1\",\"pid\":1,\"fds\":[\"seccompFd\",\"seccompFd\"],"
        + "\"state\":{\"id\":\"c\",\"status\":\"s\"}}").contains("twice"));
    assertTrue(rejection("{\"ociVersion\":\"1\",\"pid\":1,\"pid\":2,\"state\":{\"id\":\"c\",\"status\":\"s\"}}")
        .contains("Duplicate"));
    assertTrue(rejection("{\"ociVersion\":\"1\",\"pid\":1,\"state\":{\"id\":\"c\",\"status\":\"s\","
        + "\"annotations\":{\"a\":1}}}").contains("annotation"));
    assertTrue(rejection(RUNC + "{}").contains("trailing"));
  }

  @Test
  void refusesHugeAndDeepInput() {
    byte[] huge = new byte[StateParser.MAX_BYTES + 1];
    assertTrue(assertThrows(StateRejectedException.class, () -> StateParser.parse(huge)).getMessage()
        .contains("larger"));
    String deep = "[".repeat(100_000);
    assertTrue(rejection(deep).contains("not valid JSON"));
    assertTrue(rejection("{\"ociVersion\":\"1\",\"pid\":1" + "1".repeat(5000) + "}").contains("not valid JSON"));
  }

  @Test
  void refusesInvalidUtf8() {
    byte[] bad = RUNC.getBytes(StandardCharsets.UTF_8);
    bad[20] = (byte) 0xff;
    assertThrows(StateRejectedException.class, () -> StateParser.parse(bad));
  }

  @Test
  void aWholeMessageIsCompleteAndAPartialOneIsNot() {
    byte[] full = (CRUN + "\n").getBytes(StandardCharsets.UTF_8);
    assertTrue(StateParser.isComplete(full));
    assertTrue(!StateParser.isComplete(java.util.Arrays.copyOf(full, full.length - 4)));
    assertTrue(!StateParser.isComplete("{\"ociVersion\":\"1\",\"pid\":1,\"state\":{}}".getBytes(StandardCharsets.UTF_8)),
        "a complete but invalid message is read to EOF and refused then");
  }
}
