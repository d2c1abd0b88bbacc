package io.usernetes.identity.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every mount is a daemon of its own; many share one log file and none may lose another's lines. */
class OverlayLogIT {
  private static final Pattern LINE = Pattern.compile(
      "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}[+-]\\d{4} \\[[A-Z]+\\] \\S+ - .*");
  private static final Pattern MISSING = Pattern.compile("/([ab])-missing-(\\d+)");
  private static final int NAMES = 3000;

  @TempDir Path dir;

  @Test
  void mountsAppendToOneLogAndConcurrentDaemonsNeverCutIntoEachOthersLines() throws Exception {
    Layers a = Layers.in(Files.createDirectory(dir.resolve("a")), 1);
    Layers b = Layers.in(Files.createDirectory(dir.resolve("b")), 1);
    Path log = dir.resolve("shared.log");
    List<String> env = List.of("USERNETES_IDENTITY_LOG_FILE=" + log, "USERNETES_IDENTITY_LOG_LEVEL=trace");
    try (OverlayMount earlier = OverlayMount.mount(env, "-o", a.options(), a.mnt.toString())) {
      Sh.ok("ls " + a.m(""));
    }
    String before = Files.readString(log);
    assertTrue(before.contains("mounted " + a.mnt), before);
    try (OverlayMount ma = OverlayMount.mount(env, "-o", a.options(), a.mnt.toString());
        OverlayMount mb = OverlayMount.mount(env, "-o", b.options(), b.mnt.toString())) {
      // each failed lookup is one trace line; both daemons write theirs at the same time
      Sh.python("import os, threading\n"
          + "def look(root, tag):\n"
          + "    for i in range(" + NAMES + "):\n"
          + "        try:\n            os.stat('%s/%s-missing-%d' % (root, tag, i))\n"
          + "        except FileNotFoundError:\n            pass\n"
          + "ts = [threading.Thread(target=look, args=('" + a.mnt + "', 'a')),"
          + " threading.Thread(target=look, args=('" + b.mnt + "', 'b'))]\n"
          + "[t.start() for t in ts]\n[t.join() for t in ts]\n");
    }
    String after = Files.readString(log);
    assertTrue(after.startsWith(before), "an earlier mount's lines were lost");
    Set<String> seen = new TreeSet<>();
    for (String line : after.split("\n")) {
      assertTrue(LINE.matcher(line).matches(), "a line cut or mixed: " + line);
      Matcher m = MISSING.matcher(line);
      if (m.find()) {
        seen.add(m.group(1) + m.group(2));
        assertTrue(!m.find(), "two daemons' lines in one: " + line);
      }
    }
    assertEquals(2 * NAMES, seen.size(), "every failed lookup of both mounts is in the log");
  }
}
