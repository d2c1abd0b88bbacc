package io.usernetes.identity.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class ArchTest {
  @Test
  void knownArchitectures() {
    assertEquals(Arch.X86_64, Arch.detect("Linux", "amd64"));
    assertEquals(Arch.X86_64, Arch.detect("Linux", "x86_64"));
    assertEquals(Arch.AARCH64, Arch.detect("Linux", "aarch64"));
  }

  @Test
  void anythingElseFailsClearly() {
    var e = assertThrows(UnsupportedOperationException.class, () -> Arch.detect("Linux", "riscv64"));
    assertEquals("the kernel binding supports Linux on x86_64 and aarch64 only, not Linux on riscv64", e.getMessage());
    assertThrows(UnsupportedOperationException.class, () -> Arch.detect("Mac OS X", "aarch64"));
  }

  @Test
  void openFlagsFollowTheRunningArchitecture() {
    Arch arch = Arch.detect(System.getProperty("os.name"), System.getProperty("os.arch"));
    int expectedDirectory = arch == Arch.X86_64 ? 0200000 : 040000;
    assertEquals(expectedDirectory, OpenFlags.O_DIRECTORY);
  }
}
