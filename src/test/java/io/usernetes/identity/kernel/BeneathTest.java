package io.usernetes.identity.kernel;

import static io.usernetes.identity.kernel.OpenFlags.O_CREAT;
import static io.usernetes.identity.kernel.OpenFlags.O_EXCL;
import static io.usernetes.identity.kernel.OpenFlags.O_PATH;
import static io.usernetes.identity.kernel.OpenFlags.O_RDONLY;
import static io.usernetes.identity.kernel.OpenFlags.O_WRONLY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** {@code Open.beneath}: openat2 and the component walk must give the same answers. */
class BeneathTest extends TempDirTest {
  interface Opener {
    Fd open(Fd dir, byte[] path, int flags, int mode) throws ErrnoException;
  }

  static Stream<Arguments> openers() {
    return Stream.of(
        Arguments.of("openat2", (Opener) Open::beneathWithOpenat2),
        Arguments.of("walk", (Opener) Open::beneathByWalking));
  }

  @BeforeEach
  void setUp() throws Exception {
    Files.createDirectories(tmp.resolve("a/b"));
    Files.writeString(tmp.resolve("a/b/c"), "c");
    Files.createSymbolicLink(tmp.resolve("link"), Path.of("a"));
    Files.createSymbolicLink(tmp.resolve("a/b/clink"), Path.of("c"));
    Files.createSymbolicLink(tmp.resolve("a/up"), Path.of(".."));
  }

  static Path target(Fd fd) throws Exception {
    return Files.readSymbolicLink(Path.of("/proc/self/fd/" + fd.number()));
  }

  int errno(Opener opener, String path, int flags) {
    return assertThrows(ErrnoException.class, () -> opener.open(dir, b(path), flags, 0).close()).errno();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("openers")
  void opensANestedPath(String name, Opener opener) throws Exception {
    try (Fd c = opener.open(dir, b("a/b/c"), O_RDONLY, 0)) {
      assertEquals(tmp.resolve("a/b/c"), target(c));
    }
    try (Fd c = opener.open(dir, b("./a//b/./c"), O_RDONLY, 0)) {
      assertEquals(tmp.resolve("a/b/c"), target(c));
    }
    try (Fd self = opener.open(dir, b("."), O_RDONLY, 0)) {
      assertEquals(tmp, target(self));
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("openers")
  void aSymlinkInTheMiddleIsRefused(String name, Opener opener) {
    assertEquals(ErrnoException.ELOOP, errno(opener, "link/b/c", O_RDONLY));
    assertEquals(ErrnoException.ELOOP, errno(opener, "link/b/c", O_PATH));
    assertEquals(ErrnoException.ELOOP, errno(opener, "a/up/a/b/c", O_RDONLY));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("openers")
  void aSymlinkAtTheEndIsOpenedOnlyAsAPath(String name, Opener opener) throws Exception {
    assertEquals(ErrnoException.ELOOP, errno(opener, "a/b/clink", O_RDONLY));
    try (Fd link = opener.open(dir, b("a/b/clink"), O_PATH, 0)) {
      assertEquals(Stat.S_IFLNK, Attributes.statx(link).type());
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("openers")
  void escapesAreRefusedWithExdev(String name, Opener opener) {
    assertEquals(ErrnoException.EXDEV, errno(opener, tmp.resolve("a/b/c").toString(), O_RDONLY));
    assertEquals(ErrnoException.EXDEV, errno(opener, "..", O_RDONLY));
    assertEquals(ErrnoException.EXDEV, errno(opener, "a/../a/b/c", O_RDONLY));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("openers")
  void missingAndNonDirectoryComponents(String name, Opener opener) {
    assertEquals(ErrnoException.ENOENT, errno(opener, "", O_RDONLY));
    assertEquals(ErrnoException.ENOENT, errno(opener, "a/x/c", O_RDONLY));
    assertEquals(ErrnoException.ENOTDIR, errno(opener, "a/b/c/d", O_RDONLY));
    assertEquals(ErrnoException.ENOTDIR, errno(opener, "a/b/c/", O_RDONLY));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("openers")
  void createsWithTheModeAndExactBytes(String name, Opener opener) throws Exception {
    byte[] path = {'a', '/', 'b', '/', 'n', (byte) 0xff, (byte) 0xfe};
    try (Fd f = opener.open(dir, path, O_WRONLY | O_CREAT | O_EXCL, 0604)) {
      Stat s = Attributes.statx(f);
      assertEquals(Stat.S_IFREG | 0604, s.mode());
    }
    try (Fd b = Open.beneath(dir, b("a/b"), O_PATH, 0)) {
      assertEquals(Stat.S_IFREG, Attributes.statx(b, new byte[] {'n', (byte) 0xff, (byte) 0xfe}).type());
    }
    assertEquals(ErrnoException.EEXIST, errno(opener, "a/b/c", O_WRONLY | O_CREAT | O_EXCL));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("openers")
  void magicLinksAreRefused(String name, Opener opener) throws Exception {
    try (Fd proc = Open.directory(b("/proc/self"))) {
      int errno = assertThrows(ErrnoException.class, () -> opener.open(proc, b("root/etc"), O_PATH, 0)).errno();
      assertEquals(ErrnoException.ELOOP, errno);
    }
  }

  @Test
  void messagesNameTheWholePath() {
    var e = assertThrows(ErrnoException.class, () -> Open.beneathByWalking(dir, b("link/b/c"), O_RDONLY, 0));
    assertEquals("openat(\"link/b/c\"): Too many levels of symbolic links", e.getMessage());
    e = assertThrows(ErrnoException.class, () -> Open.beneathByWalking(dir, b("a/x/c"), O_RDONLY, 0));
    assertEquals("openat(\"a/x/c\"): No such file or directory", e.getMessage());
    e = assertThrows(ErrnoException.class, () -> Open.beneath(dir, b("link/b/c"), O_RDONLY, 0));
    assertEquals("openat2(\"link/b/c\"): Too many levels of symbolic links", e.getMessage());
  }

  @Test
  void theWalkClosesItsIntermediateDescriptors() throws Exception {
    long before;
    try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
      before = fds.count();
    }
    for (int i = 0; i < 100; i++) {
      Open.beneathByWalking(dir, b("a/b/c"), O_RDONLY, 0).close();
      assertThrows(ErrnoException.class, () -> Open.beneathByWalking(dir, b("a/b/x/y"), O_RDONLY, 0));
    }
    try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
      assertEquals(before, fds.count());
    }
  }

  /** 30 directories of 200 bytes under tmp, made one at a time (no single path is that long). */
  private String deepTree(String last) throws Exception {
    StringBuilder rel = new StringBuilder();
    Fd current = Open.openat(dir, b("."), O_PATH, 0);
    try {
      for (int i = 0; i < 30; i++) {
        byte[] name = b("d".repeat(200));
        LibC.mkdirat(current.number(), java.util.Arrays.copyOf(name, name.length + 1), 0755);
        Fd next = Open.openat(current, name, O_PATH, 0);
        current.close();
        current = next;
        rel.append("d".repeat(200)).append('/');
      }
      Fd made = Open.openat(current, b(last), O_CREAT | O_EXCL | O_WRONLY, 0644);
      made.close();
    } finally {
      current.close();
    }
    return rel + last;
  }

  @Test
  void aPathLongerThanTheKernelTakesIsOpenedPieceByPieceStillBeneath() throws Exception {
    try {
      opensADeepPath();
    } finally { // JUnit removes its directory by absolute paths, too long for these; rm can
      assertEquals(0, new ProcessBuilder("rm", "-rf", tmp.resolve("d".repeat(200)).toString()).start().waitFor());
    }
  }

  private void opensADeepPath() throws Exception {
    String deep = deepTree("f");
    assertEquals(6030 + 1, deep.length());
    try (Fd f = Open.beneath(dir, b(deep), O_RDONLY, 0)) {
      assertEquals(0, Attributes.statx(f).size());
    }
    // each piece is opened beneath the last: a way out is refused wherever it is
    String out = deep.substring(0, 4221) + "../../../" + deep.substring(4221);
    assertEquals(ErrnoException.EXDEV, assertThrows(ErrnoException.class,
        () -> Open.beneath(dir, b(out), O_RDONLY, 0).close()).errno());
    assertEquals(ErrnoException.ENOENT, assertThrows(ErrnoException.class,
        () -> Open.beneath(dir, b(deep + "x"), O_RDONLY, 0).close()).errno());
  }
}
