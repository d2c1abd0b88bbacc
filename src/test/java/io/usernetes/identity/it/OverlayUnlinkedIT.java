package io.usernetes.identity.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Descriptors of files that were unlinked or renamed over while open: the same calls
 * (src/test/python/unlinked_descriptor.py) through the mount and through the kernel overlay on
 * the same layers give the same results — fstat with nlink 0 and the owner from before, fchmod,
 * fchown, I/O, fsetxattr, futimens — and the removed file shows nowhere in the upper layer.
 */
class OverlayUnlinkedIT {
  @TempDir Path dir;

  private static final String LOWER = "printf 'lower\\n' > l1/lower; cp l1/lower l1/lower-ro\n"
      + "chown 60000:60000 l1/lower l1/lower-ro; chmod 0644 l1/lower l1/lower-ro\n";

  private static String calls(Layers l) throws Exception {
    String script = Installed.project().resolve("src/test/python/unlinked_descriptor.py").toString();
    return Sh.ok(List.of("python3", script, l.mnt.toString(), l.upper.toString()));
  }

  @Test
  void descriptorsOfRemovedFilesWorkAsOnTheKernelOverlay() throws Exception {
    Layers kernel = Layers.in(Files.createDirectory(dir.resolve("kernel")), 1);
    Layers ours = Layers.in(Files.createDirectory(dir.resolve("ours")), 1);
    Sh.ok("cd " + kernel.root + "; " + LOWER + "cd " + ours.root + "; " + LOWER);
    String expected;
    try (KernelOverlay k = KernelOverlay.mount(kernel)) {
      expected = calls(kernel);
    }
    String actual;
    List<String> work;
    try (OverlayMount m = ours.mount()) {
      actual = calls(ours);
      // libfuse loses the hidden name of a file whose directory goes too: the mount still lets
      // it go at its last release
      assertEquals("b'kept'\n", Sh.python("import os\nos.mkdir('" + ours.m("d") + "')\n"
          + "fd = os.open('" + ours.m("d/f") + "', os.O_RDWR | os.O_CREAT)\nos.write(fd, b'kept')\n"
          + "os.unlink('" + ours.m("d/f") + "')\nos.rmdir('" + ours.m("d") + "')\n"
          + "print(os.pread(fd, 10, 0))\nos.close(fd)\n"));
      try (Stream<Path> s = Files.list(ours.work.resolve("work"))) {
        work = s.map(p -> p.getFileName().toString()).toList();
      }
    }
    assertEquals(expected, actual);
    assertEquals(List.of(), work, "the work directory keeps no removed file once it is closed");
  }
}
