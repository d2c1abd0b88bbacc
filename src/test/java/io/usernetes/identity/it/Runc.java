package io.usernetes.identity.it;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/** runc with a state directory of the test's own, and container names unique to this JVM. */
final class Runc {
  private static final AtomicInteger COUNTER = new AtomicInteger();
  private final Path root;

  Runc(Path root) {
    this.root = root;
  }

  /** {@code runc --root ROOT ARGS...}. */
  List<String> command(String... args) {
    List<String> c = new ArrayList<>(List.of("runc", "--root", root.toString()));
    c.addAll(List.of(args));
    return c;
  }

  Sh.Result exec(String... args) throws Exception {
    return Sh.exec(command(args));
  }

  /** {@code runc run --bundle BUNDLE NAME} in the foreground. */
  Sh.Result run(Path bundle, String name) throws Exception {
    return exec("run", "--bundle", bundle.toString(), name);
  }

  /** {@code runc delete -f NAME}, for cleanup. */
  void delete(String name) throws Exception {
    exec("delete", "-f", name);
  }

  static String name(String prefix) {
    return prefix + "-" + ProcessHandle.current().pid() + "-" + COUNTER.incrementAndGet();
  }
}
