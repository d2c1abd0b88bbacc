package io.usernetes.identity.supervisor;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The allocation-free classifier of the notify loop agrees with {@link IdCall#classify}. */
class IdCallPureTest {
  private static final long[] ARCHES = {IdCall.AUDIT_ARCH_X86_64, IdCall.AUDIT_ARCH_AARCH64,
      IdCall.AUDIT_ARCH_I386, IdCall.AUDIT_ARCH_ARM, 0x12345678L};

  @Test
  void pureAgreesWithClassifyForEveryNumber() {
    for (long arch : ARCHES) {
      for (int base = 0; base < 1024; base++) {
        for (int nr : new int[] {base, base | IdCall.X32_BIT}) {
          Optional<IdCall.Classified> c = IdCall.classify(arch, nr);
          int expected = -1;
          if (c.isPresent() && !c.get().call().writesMemory()) {
            expected = c.get().call().ordinal() | (c.get().legacy16() ? IdCall.PURE_LEGACY16 : 0);
          }
          assertEquals(expected, IdCall.pure(arch, nr), () -> "arch " + Long.toHexString(arch) + " nr " + nr);
        }
      }
    }
  }
}
