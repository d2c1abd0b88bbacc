package io.usernetes.identity.supervisor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.usernetes.identity.kernel.notify.Notification;
import io.usernetes.identity.kernel.notify.Response;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Architecture before number, and the kernel's rules for each call. */
class AnswerTest {
  private static final VirtualIds IDS = new VirtualIds(60000, 60001, 60002, 70000, 70001, 70002,
      new long[] {70000, 5});

  private static Notification n(long arch, int nr, long... args) {
    long[] a = new long[6];
    System.arraycopy(args, 0, a, 0, args.length);
    return new Notification(42, 100, 0, nr, arch, 0, a);
  }

  private static Answer answer(long arch, int nr, long... args) {
    Notification n = n(arch, nr, args);
    return Answer.of(n, IdCall.classify(arch, nr).orElseThrow(), IDS);
  }

  @Test
  void theArchitectureIsCheckedBeforeTheNumber() {
    assertEquals(IdCall.GETUID, IdCall.classify(IdCall.AUDIT_ARCH_X86_64, 102).orElseThrow().call());
    assertEquals(Optional.empty(), IdCall.classify(IdCall.AUDIT_ARCH_I386, 102), "i386 102 is socketcall");
    assertEquals(Optional.empty(), IdCall.classify(IdCall.AUDIT_ARCH_X86_64, 24), "x86_64 24 is sched_yield");
    assertEquals(IdCall.GETUID, IdCall.classify(IdCall.AUDIT_ARCH_I386, 199).orElseThrow().call());
    assertEquals(IdCall.GETUID, IdCall.classify(IdCall.AUDIT_ARCH_ARM, 24).orElseThrow().call());
    assertTrue(IdCall.classify(IdCall.AUDIT_ARCH_ARM, 24).orElseThrow().legacy16());
    assertEquals(IdCall.GETEGID, IdCall.classify(IdCall.AUDIT_ARCH_AARCH64, 177).orElseThrow().call());
    assertEquals(Optional.empty(), IdCall.classify(IdCall.AUDIT_ARCH_AARCH64, 102));
    assertEquals(IdCall.GETGROUPS, IdCall.classify(IdCall.AUDIT_ARCH_X86_64, 115 | 0x40000000).orElseThrow().call());
    assertTrue(IdCall.classify(IdCall.AUDIT_ARCH_X86_64, 115 | 0x40000000).orElseThrow().compat32());
    assertEquals(Optional.empty(), IdCall.classify(0x12345678L, 102));
  }

  @Test
  void simpleCallsReturnTheIdAsTheValue() {
    assertEquals(Response.success(42, 60000), answer(IdCall.AUDIT_ARCH_X86_64, 102).response());
    assertEquals(Response.success(42, 60001), answer(IdCall.AUDIT_ARCH_X86_64, 107).response());
    assertEquals(Response.success(42, 70000), answer(IdCall.AUDIT_ARCH_X86_64, 104).response());
    assertEquals(Response.success(42, 70001), answer(IdCall.AUDIT_ARCH_AARCH64, 177).response());
  }

  @Test
  void legacy16BitCallsSeeTheOverflowId() {
    assertEquals(Response.success(42, 60000), answer(IdCall.AUDIT_ARCH_I386, 24).response(), "fits 16 bits");
    assertEquals(Response.success(42, 65534), answer(IdCall.AUDIT_ARCH_I386, 47).response(), "70000 does not");
    assertEquals(Response.success(42, 70000), answer(IdCall.AUDIT_ARCH_I386, 200).response(), "getgid32");
  }

  @Test
  void getresuidWritesThreeIdsAtThreePointers() {
    Answer a = answer(IdCall.AUDIT_ARCH_X86_64, 118, 0x1000, 0x2000, 0x3000);
    assertEquals(Response.success(42, 0), a.response());
    assertEquals(3, a.writes().size());
    assertEquals(0x2000, a.writes().get(1).address());
    assertArrayEquals(new byte[] {0x61, (byte) 0xea, 0, 0}, a.writes().get(1).bytes(), "60001 little-endian");
  }

  @Test
  void compatPointersAreThirtyTwoBitsAndLegacyArraysSixteen() {
    Answer a = answer(IdCall.AUDIT_ARCH_I386, 171, 0xdeadbeef_00001000L, 0x2000, 0x3000);
    assertEquals(0x1000, a.writes().get(0).address());
    assertArrayEquals(new byte[] {(byte) 0xfe, (byte) 0xff}, a.writes().get(0).bytes(), "u16 65534");
  }

  @Test
  void getgroupsFollowsTheKernelsSizeRules() {
    assertEquals(Response.success(42, 2), answer(IdCall.AUDIT_ARCH_X86_64, 115, 0, 0).response());
    assertTrue(answer(IdCall.AUDIT_ARCH_X86_64, 115, 0, 0).writes().isEmpty());
    assertEquals(Response.failure(42, 22), answer(IdCall.AUDIT_ARCH_X86_64, 115, 1, 0x1000).response());
    assertEquals(Response.failure(42, 22), answer(IdCall.AUDIT_ARCH_X86_64, 115, 0xffffffffL, 0x1000).response());
    Answer ok = answer(IdCall.AUDIT_ARCH_X86_64, 115, 64, 0x1000);
    assertEquals(Response.success(42, 2), ok.response());
    assertArrayEquals(new byte[] {0x70, 0x11, 1, 0, 5, 0, 0, 0}, ok.writes().get(0).bytes());
  }
}
