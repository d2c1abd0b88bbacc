package io.usernetes.identity.kernel;

import static io.usernetes.identity.kernel.OpenFlags.O_PATH;
import static io.usernetes.identity.kernel.OpenFlags.O_RDONLY;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class XattrsTest extends TempDirTest {
  @BeforeEach
  void files() throws Exception {
    Files.writeString(tmp.resolve("f"), "content");
    Files.createSymbolicLink(tmp.resolve("l"), Path.of("f"));
    Entries.mkfifoat(dir, b("p"), 0600);
  }

  static Set<ByteBuffer> set(List<byte[]> names) {
    Set<ByteBuffer> s = new HashSet<>();
    names.forEach(n -> s.add(ByteBuffer.wrap(n)));
    return s;
  }

  /** Listing must work; security.* labels may be there (SELinux), user.* ones cannot. */
  static void assertNoUserNames(List<byte[]> names) {
    for (byte[] name : names) {
      assertFalse(new String(name, UTF_8).startsWith("user."), new String(name, UTF_8));
    }
  }

  int errno(ThrowingCall call) {
    return assertThrows(ErrnoException.class, call::run).errno();
  }

  interface ThrowingCall {
    void run() throws Exception;
  }

  /** Every byte value, and a value longer than the first read buffer. */
  static byte[] binaryValue() {
    byte[] v = new byte[1000];
    for (int i = 0; i < v.length; i++) {
      v[i] = (byte) i;
    }
    return v;
  }

  @ParameterizedTest(name = "O_PATH={0}")
  @ValueSource(booleans = {false, true})
  void valuesOnAFileReadBackExactly(boolean pathOnly) throws Exception {
    try (Fd f = Open.openat(dir, b("f"), pathOnly ? O_PATH : O_RDONLY, 0)) {
      Xattrs.set(f, b("user.usernetes.uid"), b("60000"), 0);
      Xattrs.set(f, b("user.bin"), binaryValue(), Xattrs.XATTR_CREATE);
      Xattrs.set(f, b("user.empty"), new byte[0], 0);
      Xattrs.set(f, b("trusted.overlay.opaque"), b("y"), 0);

      assertArrayEquals(b("60000"), Xattrs.get(f, b("user.usernetes.uid")));
      assertArrayEquals(binaryValue(), Xattrs.get(f, b("user.bin")));
      assertArrayEquals(new byte[0], Xattrs.get(f, b("user.empty")));
      assertEquals(set(List.of(b("user.usernetes.uid"), b("user.bin"), b("user.empty"), b("trusted.overlay.opaque"))),
          set(Xattrs.list(f)));

      Xattrs.remove(f, b("user.bin"));
      var e = assertThrows(ErrnoException.class, () -> Xattrs.get(f, b("user.bin")));
      assertEquals(ErrnoException.ENODATA, e.errno());
      assertEquals((pathOnly ? "getxattr" : "fgetxattr") + "(\"user.bin\"): No data available", e.getMessage());
      assertEquals(ErrnoException.ENODATA, errno(() -> Xattrs.remove(f, b("user.bin"))));
    }
    assertEquals("60000", new String((byte[]) Files.getAttribute(tmp.resolve("f"), "user:usernetes.uid"), UTF_8));
  }

  /**
   * The calls by directory and name, on the path this process takes: the *xattrat calls, or an
   * O_PATH open each (kernels before 6.13, and {@code USERNETES_IDENTITY_KERNEL_FALLBACKS=xattrat},
   * as pom.xml's kernel-fallbacks execution runs this class).
   */
  @Test
  void byNameReadWriteAndRemoveWithoutFollowingSymlinks() throws Exception {
    Xattrs.setAt(dir, b("f"), b("user.usernetes.uid"), b("60000"), 0);
    assertArrayEquals(b("60000"), Xattrs.getAt(dir, b("f"), b("user.usernetes.uid")));
    assertNull(Xattrs.getAtOrNull(dir, b("f"), b("user.none")));
    assertEquals(ErrnoException.ENODATA, errno(() -> Xattrs.getAt(dir, b("f"), b("user.none"))));
    Xattrs.setAt(dir, b("."), b("user.big"), binaryValue(), 0); // past the first buffer
    assertArrayEquals(binaryValue(), Xattrs.getAtOrNull(dir, b("."), b("user.big")));
    assertEquals(ErrnoException.EEXIST,
        errno(() -> Xattrs.setAt(dir, b("f"), b("user.usernetes.uid"), b("1"), Xattrs.XATTR_CREATE)));
    Xattrs.removeAtIfPresent(dir, b("f"), b("user.usernetes.uid"));
    Xattrs.removeAtIfPresent(dir, b("f"), b("user.usernetes.uid"));
    assertNull(Xattrs.getAtOrNull(dir, b("f"), b("user.usernetes.uid")));
    // the link itself, never its target: the kernel refuses user.* there
    assertEquals(ErrnoException.EPERM, errno(() -> Xattrs.setAt(dir, b("l"), b("user.x"), b("1"), 0)));
    assertNull(Xattrs.getAtOrNull(dir, b("l"), b("user.x")));
    assertNull(Xattrs.getAtOrNull(dir, b("f"), b("user.x")));
  }

  @Test
  void theAtCallsServeUnlessTheKernelLacksThemOrTheFallbackIsForced() {
    assertEquals(!KernelFallback.XATTRAT.forced() && KernelRelease.running().atLeast(6, 13), Xattrs.usesXattrAt());
  }

  @Test
  void createAndReplaceFlags() throws Exception {
    try (Fd f = Open.openat(dir, b("f"), O_RDONLY, 0)) {
      assertEquals(ErrnoException.ENODATA, errno(() -> Xattrs.set(f, b("user.x"), b("1"), Xattrs.XATTR_REPLACE)));
      Xattrs.set(f, b("user.x"), b("1"), Xattrs.XATTR_CREATE);
      assertEquals(ErrnoException.EEXIST, errno(() -> Xattrs.set(f, b("user.x"), b("2"), Xattrs.XATTR_CREATE)));
      Xattrs.set(f, b("user.x"), b("3"), Xattrs.XATTR_REPLACE);
      assertArrayEquals(b("3"), Xattrs.get(f, b("user.x")));
    }
  }

  @Test
  void aValueGrowingPastTheFirstBufferAndManyNames() throws Exception {
    try (Fd d = Open.openat(dir, b("."), O_RDONLY, 0)) {
      byte[] big = new byte[1500]; // ext4 keeps all of an inode's attributes in one 4 KiB block
      big[1499] = 42;
      Xattrs.set(d, b("user.big"), big, 0);
      Set<ByteBuffer> names = new HashSet<>();
      names.add(ByteBuffer.wrap(b("user.big")));
      for (int i = 0; i < 20; i++) {
        byte[] name = b("user.a-long-attribute-name-number-" + i);
        Xattrs.set(d, name, b("v"), 0);
        names.add(ByteBuffer.wrap(name));
      }
      assertArrayEquals(big, Xattrs.get(d, b("user.big")));
      assertEquals(names, set(Xattrs.list(d)));
    }
  }

  @Test
  void userAttributesOnASymlinkAreRefusedByTheKernel() throws Exception {
    try (Fd link = Open.openat(dir, b("l"), O_PATH, 0)) {
      assertEquals(ErrnoException.EPERM, errno(() -> Xattrs.set(link, b("user.usernetes.uid"), b("1"), 0)));
      assertEquals(ErrnoException.ENODATA, errno(() -> Xattrs.get(link, b("user.usernetes.uid"))));
      assertNoUserNames(Xattrs.list(link));
    }
  }

  @Test
  void theProcPathReachesTheSymlinkItselfNotItsTarget() throws Exception {
    try (Fd link = Open.openat(dir, b("l"), O_PATH, 0); Fd target = Open.openat(dir, b("f"), O_RDONLY, 0)) {
      Xattrs.set(link, b("trusted.usernetes.uid"), b("60000"), 0);
      assertArrayEquals(b("60000"), Xattrs.get(link, b("trusted.usernetes.uid")));
      assertEquals(ErrnoException.ENODATA, errno(() -> Xattrs.get(target, b("trusted.usernetes.uid"))));
    }
  }

  @Test
  void userAttributesOnAFifoAreRefused() throws Exception {
    try (Fd fifo = Open.openat(dir, b("p"), O_PATH, 0)) {
      assertEquals(ErrnoException.EPERM, errno(() -> Xattrs.set(fifo, b("user.x"), b("1"), 0)));
      assertEquals(ErrnoException.ENODATA, errno(() -> Xattrs.get(fifo, b("user.x"))));
    }
  }

  @Test
  void anUnknownNamespaceIsNotSupported() throws Exception {
    try (Fd f = Open.openat(dir, b("f"), O_RDONLY, 0)) {
      assertEquals(ErrnoException.ENOTSUP, errno(() -> Xattrs.set(f, b("nonsense.x"), b("1"), 0)));
      assertEquals(ErrnoException.ENOTSUP, errno(() -> Xattrs.get(f, b("nonsense.x"))));
    }
  }

  @Test
  void aFileSystemWithoutUserAttributes() throws Exception {
    try (Fd proc = Open.directory(b("/proc/self")); Fd status = Open.openat(proc, b("status"), O_RDONLY, 0)) {
      assertEquals(ErrnoException.ENOTSUP, errno(() -> Xattrs.set(status, b("user.x"), b("1"), 0)));
      assertNoUserNames(Xattrs.list(status));
    }
  }

  @Test
  void attributesOfAClosedFdAreEbadf() throws Exception {
    Fd f = Open.openat(dir, b("f"), O_RDONLY, 0);
    f.close();
    assertEquals(ErrnoException.EBADF, errno(() -> Xattrs.list(f)));
  }

}
