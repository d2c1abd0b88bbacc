package io.usernetes.identity.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class KernelReleaseTest {
  @Test
  void readsDistributionReleases() {
    assertEquals(new KernelRelease(6, 18), KernelRelease.parse("6.18.0-1-amd64"));
    assertEquals(new KernelRelease(5, 10), KernelRelease.parse("5.10.0"));
    assertEquals(new KernelRelease(6, 11), KernelRelease.parse("6.11"));
    assertEquals(new KernelRelease(4, 18), KernelRelease.parse("4.18.0-553.el8_10.x86_64"));
  }

  @Test
  void anythingElseCountsAsOld() {
    for (String s : new String[] {"", "linux", "6", "6.x", "-6.11", "99999.1"}) {
      assertEquals(new KernelRelease(0, 0), KernelRelease.parse(s), s);
    }
  }

  @Test
  void comparesMajorThenMinor() {
    assertTrue(new KernelRelease(6, 11).atLeast(6, 11));
    assertTrue(new KernelRelease(7, 0).atLeast(6, 11));
    assertFalse(new KernelRelease(6, 10).atLeast(6, 11));
    assertFalse(new KernelRelease(5, 19).atLeast(6, 11));
    assertFalse(KernelRelease.parse("garbage").atLeast(1, 0));
  }

  @Test
  void theRunningKernelParses() {
    assertTrue(KernelRelease.running().atLeast(3, 0), KernelRelease.running().toString());
  }
}
