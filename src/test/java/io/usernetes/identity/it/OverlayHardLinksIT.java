package io.usernetes.identity.it;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hard links as the kernel overlay shows them: every name of a file is one inode, so a link,
 * unlink, rename, attribute change or write through one name shows through the others at once,
 * with no attribute cache to wait out. Each test runs one python program through the kernel
 * overlay and through the mount, on the same fresh layers, checks that the kernel overlay printed
 * what the test expects (so a comparison is never vacuous) and that the mount printed the same,
 * then compares the upper layers, hard links in them included.
 *
 * <p>A line is what a step did and then, for each name, its link count, permissions, owner and
 * size; for names that should be one file, whether they show one inode number ({@code same-ino})
 * and, if they do, the same ctime and mtime to the nanosecond. (Times of different files are not
 * compared: they may fall in the same clock tick or not.)
 */
class OverlayHardLinksIT {
  @TempDir Path dir;

  /**
   * {@code p(step, names...)} prints a line as the class comment says; helpers to read, write and
   * create (mode 0644 whatever the umask the tests run with).
   */
  private static final String HELPERS = """
      import stat
      os.umask(0o022)
      def n(name): return mnt + b'/' + name.encode()
      def desc(name, s):
          return '%s %d %o %d:%d %d' % (name, s.st_nlink, stat.S_IMODE(s.st_mode), s.st_uid, s.st_gid, s.st_size)
      def p(step, *names):
          sts = [os.lstat(n(x)) for x in names]
          line = [step] + [desc(x, s) for x, s in zip(names, sts)]
          same = lambda f: all(getattr(s, f) == getattr(sts[0], f) for s in sts)
          if len(sts) > 1:
              line.append('same-ino' if same('st_ino') else 'diff-ino')
          if len(sts) > 1 and same('st_ino'):
              line.append('same-ctime' if same('st_ctime_ns') else 'diff-ctime')
              line.append('same-mtime' if same('st_mtime_ns') else 'diff-mtime')
          print(' '.join(line))
      def read(name): return open(n(name), 'rb').read().decode()
      def write(name, data, flags=os.O_WRONLY | os.O_APPEND):
          fd = os.open(n(name), flags, 0o644); os.write(fd, data.encode()); os.close(fd)
      def create(name, data): write(name, data, os.O_WRONLY | os.O_CREAT | os.O_EXCL)
      """;

  /** A lower file {@code a} of 5 bytes. */
  private static final String LOWER_A = "printf hello > l1/a; chmod 0644 l1/a";

  /**
   * Makes the same single lower layer twice with {@code layer} (a shell script run in the layers'
   * directory), runs {@code program} through the kernel overlay on one and the mount on the other,
   * and checks the kernel overlay printed {@code expected} and the mount the same, and that both
   * left the same upper layer.
   */
  private void sameAsKernel(String layer, String program, String expected) throws Exception {
    Layers kernel = Layers.in(Files.createDirectory(dir.resolve("kernel")), 1);
    Layers ours = Layers.in(Files.createDirectory(dir.resolve("ours")), 1);
    Sh.ok("cd " + kernel.root + "; " + layer + "\ncd " + ours.root + "; " + layer);
    String fromKernel;
    try (KernelOverlay k = KernelOverlay.mount(kernel)) {
      fromKernel = KernelOverlay.python(kernel.mnt, HELPERS + program);
    }
    assertEquals(expected, fromKernel, "what the kernel overlay shows");
    String fromMount;
    try (OverlayMount m = ours.mount()) {
      fromMount = KernelOverlay.python(ours.mnt, HELPERS + program);
    }
    String upper = KernelOverlay.upper(kernel, 1);
    String links = links(kernel);
    String ourUpper = KernelOverlay.upper(ours, 1);
    String ourLinks = links(ours);
    assertAll(() -> assertEquals(fromKernel, fromMount, "the mount shows what the kernel overlay shows"),
        () -> assertEquals(upper, ourUpper, "the upper layers"),
        () -> assertEquals(links, ourLinks, "the hard links in the upper layers"));
  }

  /**
   * The regular files of the upper layer with their link counts, each with the first name (in
   * sorted order) of the file it is: {@code "a 2 =a", "b 2 =a"} for one file of two names.
   */
  private static String links(Layers l) throws Exception {
    return KernelOverlay.python(l.upper, """
        import stat
        files = []
        for d, dirs, names in os.walk(mnt):
            dirs[:] = [x for x in dirs if not x.startswith(b'.wh..')]
            for x in names:
                path = os.path.join(d, x); s = os.lstat(path)
                if stat.S_ISREG(s.st_mode): files.append((os.path.relpath(path, mnt).decode(), s))
        files.sort(key=lambda f: f[0])
        first = {}
        for name, s in files: first.setdefault(s.st_ino, name)
        print('\\n'.join('%s %d =%s' % (name, s.st_nlink, first[s.st_ino]) for name, s in files))
        """);
  }

  @Test
  void aNewNameOfALowerOrAnUpperFileIsTheSameFileWithTwoLinksAtOnce() throws Exception {
    sameAsKernel(LOWER_A, """
        p('before', 'a')
        os.link(n('a'), n('b')); p('link-lower', 'a', 'b')
        create('u', 'upper'); p('before', 'u')
        os.link(n('u'), n('v')); p('link-upper', 'u', 'v')
        """, """
        before a 1 644 0:0 5
        link-lower a 2 644 0:0 5 b 2 644 0:0 5 same-ino same-ctime same-mtime
        before u 1 644 0:0 5
        link-upper u 2 644 0:0 5 v 2 644 0:0 5 same-ino same-ctime same-mtime
        """);
  }

  @Test
  void aChangeThroughEitherNameShowsThroughTheOtherAtOnce() throws Exception {
    // each step's line shows the other name first, looked up right after the change
    sameAsKernel(LOWER_A, """
        os.link(n('a'), n('b')); p('linked', 'a', 'b')
        def through(x, y, mode, uid, t):
            os.chmod(n(x), mode); p('chmod-' + x, y, x)
            os.chown(n(x), uid, uid + 1); p('chown-' + x, y, x)
            os.utime(n(x), ns=(t + 1, t + 2)); s = os.lstat(n(y))
            given = lambda v: 't+%d' % (v - t) if 0 <= v - t < 10 else 'other'
            print('utime-' + x, y, 'atime', given(s.st_atime_ns), 'mtime', given(s.st_mtime_ns)); p('utime-' + x, y, x)
            os.truncate(n(x), 3); p('truncate-' + x, y, x)
            write(x, 'XY'); p('write-' + x, y, x); print('read', y, read(y))
        through('b', 'a', 0o600, 1234, 1000000 * 1000000000)
        through('a', 'b', 0o640, 2345, 2000000 * 1000000000)
        """, """
        linked a 2 644 0:0 5 b 2 644 0:0 5 same-ino same-ctime same-mtime
        chmod-b a 2 600 0:0 5 b 2 600 0:0 5 same-ino same-ctime same-mtime
        chown-b a 2 600 1234:1235 5 b 2 600 1234:1235 5 same-ino same-ctime same-mtime
        utime-b a atime t+1 mtime t+2
        utime-b a 2 600 1234:1235 5 b 2 600 1234:1235 5 same-ino same-ctime same-mtime
        truncate-b a 2 600 1234:1235 3 b 2 600 1234:1235 3 same-ino same-ctime same-mtime
        write-b a 2 600 1234:1235 5 b 2 600 1234:1235 5 same-ino same-ctime same-mtime
        read a helXY
        chmod-a b 2 640 1234:1235 5 a 2 640 1234:1235 5 same-ino same-ctime same-mtime
        chown-a b 2 640 2345:2346 5 a 2 640 2345:2346 5 same-ino same-ctime same-mtime
        utime-a b atime t+1 mtime t+2
        utime-a b 2 640 2345:2346 5 a 2 640 2345:2346 5 same-ino same-ctime same-mtime
        truncate-a b 2 640 2345:2346 3 a 2 640 2345:2346 3 same-ino same-ctime same-mtime
        write-a b 2 640 2345:2346 5 a 2 640 2345:2346 5 same-ino same-ctime same-mtime
        read b helXY
        """);
  }

  @Test
  void removingOrReplacingTheSecondNameLeavesTheFirstWithOneLinkAtOnce() throws Exception {
    sameAsKernel(LOWER_A, """
        os.link(n('a'), n('b')); p('linked', 'a', 'b')
        os.unlink(n('b')); p('unlink-b', 'a')
        os.link(n('a'), n('b')); p('linked-again', 'a', 'b')
        create('c', 'other'); os.rename(n('c'), n('b')); p('rename-c-over-b', 'a', 'b')
        print(sorted(x.decode() for x in os.listdir(mnt)), read('a'), read('b'))
        """, """
        linked a 2 644 0:0 5 b 2 644 0:0 5 same-ino same-ctime same-mtime
        unlink-b a 1 644 0:0 5
        linked-again a 2 644 0:0 5 b 2 644 0:0 5 same-ino same-ctime same-mtime
        rename-c-over-b a 1 644 0:0 5 b 1 644 0:0 5 diff-ino
        ['a', 'b'] hello other
        """);
  }

  @Test
  void anOpenFileWithAllItsNamesGoneHasNoLinksAndKeepsItsData() throws Exception {
    sameAsKernel(LOWER_A, """
        os.link(n('a'), n('b')); p('linked', 'a', 'b')
        fd = os.open(n('a'), os.O_RDWR)
        def f(step): s = os.fstat(fd); print(step, 'fstat', s.st_nlink, '%o' % stat.S_IMODE(s.st_mode), s.st_size)
        os.unlink(n('a')); f('unlink-a'); p('unlink-a', 'b')
        os.unlink(n('b')); f('unlink-b')
        print('read', os.pread(fd, 100, 0).decode()); os.close(fd)
        print(os.listdir(mnt))
        """, """
        linked a 2 644 0:0 5 b 2 644 0:0 5 same-ino same-ctime same-mtime
        unlink-a fstat 1 644 5
        unlink-a b 1 644 0:0 5
        unlink-b fstat 0 644 5
        read hello
        []
        """);
  }

  @Test
  void ofThreeNamesTheTwoLeftAfterAnUnlinkAndARenameAgree() throws Exception {
    sameAsKernel(LOWER_A, """
        os.link(n('a'), n('b')); os.link(n('b'), n('c')); p('linked', 'a', 'b', 'c')
        os.unlink(n('b')); p('unlink-b', 'a', 'c')
        os.rename(n('c'), n('d')); p('rename-c-d', 'a', 'd')
        print(sorted(x.decode() for x in os.listdir(mnt)))
        """, """
        linked a 3 644 0:0 5 b 3 644 0:0 5 c 3 644 0:0 5 same-ino same-ctime same-mtime
        unlink-b a 2 644 0:0 5 c 2 644 0:0 5 same-ino same-ctime same-mtime
        rename-c-d a 2 644 0:0 5 d 2 644 0:0 5 same-ino same-ctime same-mtime
        ['a', 'd']
        """);
  }

  @Test
  void lowerHardLinksShowAsOneFileUntilACopyUpBreaksThemAsInTheKernelOverlay() throws Exception {
    // the kernel overlay without index=on copies up one name of a lower file alone: the other
    // names stay the lower file, with its link count
    sameAsKernel("printf hello > l1/x; chmod 0644 l1/x; ln l1/x l1/y", """
        p('lower', 'x', 'y')
        os.chmod(n('x'), 0o600); p('chmod-x', 'x', 'y')
        write('x', 'more'); p('write-x', 'x', 'y'); print('read', read('x'), read('y'))
        os.link(n('y'), n('z')); p('link-y-z', 'y', 'z'); p('link-y-z', 'x')
        """, """
        lower x 2 644 0:0 5 y 2 644 0:0 5 same-ino same-ctime same-mtime
        chmod-x x 1 600 0:0 5 y 2 644 0:0 5 diff-ino
        write-x x 1 600 0:0 9 y 2 644 0:0 5 diff-ino
        read hellomore hello
        link-y-z y 2 644 0:0 5 z 2 644 0:0 5 same-ino same-ctime same-mtime
        link-y-z x 1 600 0:0 9
        """);
  }
}
