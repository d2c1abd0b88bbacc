package io.usernetes.identity.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * The mount against a model: the same random operations on the merged view and on a plain
 * directory holding the same starting tree must give the same results and the same tree.
 */
class OverlayModelIT {
  @TempDir Path dir;

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(ints = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10})
  void behavesLikeAPlainDirectory(int seed) throws Exception {
    Layers l = Layers.in(dir, 2);
    Path plain = dir.resolve("plain");
    String start = "mkdir -p dir/sub sub; echo lower > a; echo deep > dir/b; echo x > dir/sub/c; ln -s a e; "
        + "chmod 0700 dir/sub";
    // the start tree is split over two lower layers, plus a whiteout and an opaque directory
    Sh.ok("mkdir -p " + plain + "; cd " + plain + "; " + start + "\n"
        + "cd " + l.lower(2) + "; " + start + "; echo gone > d; mkdir x.txt; echo hidden > x.txt/h\n"
        + "cd " + l.lower(1) + "; mknod d c 0 0; mkdir x.txt; touch x.txt/.wh..wh..opq; echo top > a\n"
        + "echo top > " + plain + "/a; mkdir " + plain + "/x.txt");
    String script = Installed.project().resolve("src/test/python/same_operations.py").toString();
    try (OverlayMount m = l.mount()) {
      assertEquals("same after 300 operations\n",
          Sh.ok(List.of("python3", script, Integer.toString(seed), "300", l.mnt.toString(), plain.toString())));
    }
  }
}
