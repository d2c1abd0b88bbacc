package io.usernetes.identity.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class KernelFallbackTest {
  @Test
  void unsetOrBlankForcesNothing() {
    assertEquals(Set.of(), KernelFallback.parse(null).forced());
    assertEquals(Set.of(), KernelFallback.parse(" , ").forced());
    assertEquals("", KernelFallback.parse("").words());
  }

  @Test
  void wordsNameTheFallbacksInAnyOrderAndCase() {
    KernelFallback.Choice c = KernelFallback.parse("xattrat, POLL");
    assertEquals(EnumSet.of(KernelFallback.POLL, KernelFallback.XATTRAT), c.forced());
    assertEquals("poll,xattrat", c.words());
    assertEquals(List.of(), c.unknown());
  }

  @Test
  void allForcesEveryFallback() {
    assertEquals(EnumSet.allOf(KernelFallback.class), KernelFallback.parse("all").forced());
    assertEquals("poll,proc,xattrat", KernelFallback.parse("all").words());
  }

  @Test
  void unknownWordsAreKeptForTheWarningAndForceNothing() {
    KernelFallback.Choice c = KernelFallback.parse("pol,proc");
    assertEquals(Set.of(KernelFallback.PROC), c.forced());
    assertEquals(List.of("pol"), c.unknown());
  }
}
