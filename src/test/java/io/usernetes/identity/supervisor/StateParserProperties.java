package io.usernetes.identity.supervisor;

import java.nio.charset.StandardCharsets;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Hostile input: whatever the bytes, the parser answers with a state or a rejection, nothing else. */
class StateParserProperties {
  @Property(tries = 2000)
  void arbitraryBytesNeverEscapeAsAnotherException(@ForAll byte[] bytes) {
    parseOrReject(bytes);
  }

  @Property(tries = 2000)
  void mutatedRealMessagesNeverEscape(@ForAll("mutations") byte[] bytes) {
    parseOrReject(bytes);
  }

  @Provide
  Arbitrary<byte[]> mutations() {
    byte[] base = StateParserTest.RUNC.getBytes(StandardCharsets.UTF_8);
    return Arbitraries.integers().between(0, base.length - 1).list().ofMinSize(1).ofMaxSize(8)
        .flatMap(positions -> Arbitraries.bytes().list().ofSize(positions.size()).map(values -> {
          byte[] copy = base.clone();
          for (int i = 0; i < positions.size(); i++) {
            copy[positions.get(i)] = values.get(i);
          }
          return copy;
        }));
  }

  @Property(tries = 300)
  void jsonShapedNoiseNeverEscapes(@ForAll("jsonish") String text) {
    parseOrReject(text.getBytes(StandardCharsets.UTF_8));
  }

  @Provide
  Arbitrary<String> jsonish() {
    return Arbitraries.strings().withChars("{}[]\":,0123456789-eE.truefalsnl \\u\nabcdpidstate")
        .ofMaxLength(300);
  }

  private static void parseOrReject(byte[] bytes) {
    try {
      StateParser.parse(bytes);
    } catch (StateRejectedException expected) {
      if (expected.getMessage() == null || expected.getMessage().contains("\n")) {
        throw new AssertionError("a rejection is one line: " + expected.getMessage());
      }
    }
  }
}
