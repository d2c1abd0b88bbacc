package io.usernetes.identity.kernel.notify;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.usernetes.identity.kernel.Fd;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The structs against the offsets in the reference (seccomp-notify.md §1.1). */
class StructLayoutTest {
  @Test
  void notificationFieldsSitAtTheDocumentedOffsets() {
    ByteBuffer b = ByteBuffer.allocate(80).order(ByteOrder.LITTLE_ENDIAN);
    b.putLong(0, 0x1122334455667788L);
    b.putInt(8, 0xfffffffe); // an unsigned TID above Integer.MAX_VALUE
    b.putInt(12, 0);
    b.putInt(16, 102);
    b.putInt(20, 0xC000003E);
    b.putLong(24, 0x7fff0000L);
    for (int i = 0; i < 6; i++) {
      b.putLong(32 + 8 * i, 1000 + i);
    }
    Notification n = Notification.decode(b.array());
    assertEquals(0x1122334455667788L, n.id());
    assertEquals(0xfffffffeL, n.tid());
    assertEquals(102, n.nr());
    assertEquals(0xC000003EL, n.arch());
    assertEquals(0x7fff0000L, n.instructionPointer());
    for (int i = 0; i < 6; i++) {
      assertEquals(1000 + i, n.arg(i));
    }
  }

  @Test
  void aShortBufferIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> Notification.decode(new byte[79]));
  }

  @Test
  void responseEncodesIdValueNegativeErrorAndFlags() {
    ByteBuffer ok = ByteBuffer.wrap(Response.success(7, 60000).encode()).order(ByteOrder.LITTLE_ENDIAN);
    assertEquals(24, ok.capacity());
    assertEquals(7, ok.getLong(0));
    assertEquals(60000, ok.getLong(8));
    assertEquals(0, ok.getInt(16));
    assertEquals(0, ok.getInt(20));

    ByteBuffer err = ByteBuffer.wrap(Response.failure(8, 22).encode()).order(ByteOrder.LITTLE_ENDIAN);
    assertEquals(-22, err.getInt(16), "error is a NEGATIVE errno");
    assertEquals(0, err.getLong(8));

    ByteBuffer cont = ByteBuffer.wrap(Response.continueCall(9).encode()).order(ByteOrder.LITTLE_ENDIAN);
    assertEquals(1, cont.getInt(20));
    assertEquals(0, cont.getLong(8));
    assertEquals(0, cont.getInt(16));
  }

  @Test
  void responsesTheKernelWouldRejectCannotBeBuilt() {
    assertThrows(IllegalArgumentException.class, () -> new Response(1, 0, 22, 0));
    assertThrows(IllegalArgumentException.class, () -> new Response(1, 5, 0, Response.FLAG_CONTINUE));
    assertThrows(IllegalArgumentException.class, () -> Response.failure(1, -22));
  }

  @Test
  void sizesDecodeThreeUnsignedShorts() {
    assertEquals(new NotificationSizes(80, 24, 64), NotificationSizes.decode(new byte[] {80, 0, 24, 0, 64, 0}));
  }

  @Test
  void theRunningKernelReportsTheCompiledSizes() throws Exception {
    NotificationSizes s = NotificationSizes.ofKernel();
    assertEquals(80, s.notification());
    assertEquals(24, s.response());
    assertEquals(64, s.data());
  }

  @Test
  void ioctlNumbersFollowTheIocEncoding() {
    assertEquals(ioc(3, 0, 80), SeccompListener.IOCTL_RECV);
    assertEquals(ioc(3, 1, 24), SeccompListener.IOCTL_SEND);
    assertEquals(ioc(1, 2, 8), SeccompListener.IOCTL_ID_VALID);
    assertEquals(ioc(2, 2, 8), SeccompListener.IOCTL_ID_VALID_OLD);
    assertEquals(ioc(1, 4, 8), SeccompListener.IOCTL_SET_FLAGS);
  }

  private static long ioc(long dir, long nr, long size) {
    return dir << 30 | size << 16 | 0x21L << 8 | nr;
  }

  @Test
  void peerCredentialsAreThreeInts() {
    ByteBuffer b = ByteBuffer.allocate(12).order(ByteOrder.nativeOrder());
    b.putInt(0, 42).putInt(4, 1000).putInt(8, 1001);
    assertEquals(new PeerCredentials(42, 1000, 1001), PeerCredentials.decode(b.array()));
  }

  @Test
  void rightsAreCollectedFromEveryControlMessageAndOthersSkipped() {
    ByteBuffer b = ByteBuffer.allocate(64).order(ByteOrder.nativeOrder());
    // SCM_CREDENTIALS (type 2), 28 bytes, padded to 32
    b.putLong(0, 28).putInt(8, 1).putInt(12, 2);
    // SCM_RIGHTS with two fds: len 24
    b.putLong(32, 24).putInt(40, 1).putInt(44, 1).putInt(48, 901).putInt(52, 902);
    List<Fd> fds = new ArrayList<>();
    UnixConnection.collectRights(b.array(), fds);
    assertEquals(2, fds.size());
    assertTrue(fds.get(0).toString().contains("901") && fds.get(1).toString().contains("902"));
  }

  @Test
  void aLyingLengthEndsTheWalk() {
    ByteBuffer b = ByteBuffer.allocate(32).order(ByteOrder.nativeOrder());
    b.putLong(0, 4096).putInt(8, 1).putInt(12, 1).putInt(16, 5);
    List<Fd> fds = new ArrayList<>();
    UnixConnection.collectRights(b.array(), fds);
    assertArrayEquals(new Object[0], fds.toArray());
  }

  @Test
  void seccompNumbersPerArchitecture() {
    assertEquals(317, NotifyLib.seccompNumber("amd64"));
    assertEquals(277, NotifyLib.seccompNumber("aarch64"));
    assertThrows(UnsupportedOperationException.class, () -> NotifyLib.seccompNumber("riscv64"));
  }
}
