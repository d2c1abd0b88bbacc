package io.usernetes.identity.supervisor;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class NamespaceCallsTest {
  @Test
  void thePromiseIsALineOfItsOwn() {
    assertTrue(NamespaceCalls.promised(Optional.of("NAMESPACE_CALLS=notified")));
    assertTrue(NamespaceCalls.promised(Optional.of("profile=usernetes-identity-v1\nNAMESPACE_CALLS=notified\n")));
    assertTrue(NamespaceCalls.promised(Optional.of("UID=60000\n  NAMESPACE_CALLS=notified  ")));
    assertFalse(NamespaceCalls.promised(Optional.empty()));
    assertFalse(NamespaceCalls.promised(Optional.of("profile=usernetes-identity-v1")));
    assertFalse(NamespaceCalls.promised(Optional.of("NAMESPACE_CALLS=notified-not")));
    assertFalse(NamespaceCalls.promised(Optional.of("X=NAMESPACE_CALLS=notified")));
  }

  @Test
  void unshareAndSetnsOnEveryArchitecture() {
    long[][] calls = {
        {IdCall.AUDIT_ARCH_X86_64, 272}, {IdCall.AUDIT_ARCH_X86_64, 308},
        {IdCall.AUDIT_ARCH_X86_64, 272 | IdCall.X32_BIT}, {IdCall.AUDIT_ARCH_X86_64, 308 | IdCall.X32_BIT},
        {IdCall.AUDIT_ARCH_AARCH64, 97}, {IdCall.AUDIT_ARCH_AARCH64, 268},
        {IdCall.AUDIT_ARCH_I386, 310}, {IdCall.AUDIT_ARCH_I386, 346},
        {IdCall.AUDIT_ARCH_ARM, 337}, {IdCall.AUDIT_ARCH_ARM, 375}};
    for (long[] c : calls) {
      assertTrue(NamespaceCalls.changesNamespace(c[0], (int) c[1]), c[0] + ":" + c[1]);
    }
  }

  @Test
  void numbersAreReadWithTheirArchitecture() {
    assertFalse(NamespaceCalls.changesNamespace(IdCall.AUDIT_ARCH_X86_64, 97)); // x86_64 getrlimit
    assertFalse(NamespaceCalls.changesNamespace(IdCall.AUDIT_ARCH_AARCH64, 272));
    assertFalse(NamespaceCalls.changesNamespace(IdCall.AUDIT_ARCH_I386, 272));
    assertFalse(NamespaceCalls.changesNamespace(IdCall.AUDIT_ARCH_ARM, 310));
    assertFalse(NamespaceCalls.changesNamespace(0, 272));
    assertFalse(NamespaceCalls.changesNamespace(IdCall.AUDIT_ARCH_X86_64, 102));
  }
}
