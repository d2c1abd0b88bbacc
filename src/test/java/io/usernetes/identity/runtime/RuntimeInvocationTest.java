package io.usernetes.identity.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RuntimeInvocationTest {
  @Test
  void podmansCreateThroughConmon() {
    RuntimeInvocation r = RuntimeInvocation.parse(List.of("--root", "/run/user/1000/runc", "--systemd-cgroup",
        "create", "--bundle", "/b", "--pid-file", "/p", "--console-socket", "/s", "abc"));
    assertEquals("create", r.command());
    assertEquals(Optional.of(Path.of("/b")), r.bundle());
  }

  @Test
  void runWithTheBundleInEveryForm() {
    assertEquals(Optional.of(Path.of("/x")), RuntimeInvocation.parse(List.of("run", "-b", "/x", "id")).bundle());
    assertEquals(Optional.of(Path.of("/y")), RuntimeInvocation.parse(List.of("--debug", "run", "--bundle=/y", "id")).bundle());
    assertEquals(Optional.of(Path.of("")), RuntimeInvocation.parse(List.of("run", "id")).bundle(),
        "without --bundle, the working directory");
  }

  @Test
  void everyOtherCommandPassesThrough() {
    for (List<String> args : List.<List<String>>of(List.of("start", "id"), List.of("--root", "run", "state", "id"),
        List.of("delete", "--force", "id"), List.of("--version"), List.of())) {
      assertFalse(RuntimeInvocation.parse(args).creates(), args.toString());
    }
    assertEquals("state", RuntimeInvocation.parse(List.of("--root", "run", "state", "id")).command(),
        "a --root value named run is not the command");
  }

  @Test
  void containerdsShimReadsErrorsFromItsJsonLog() {
    RuntimeInvocation r = RuntimeInvocation.parse(List.of("--root", "/run/containerd/runc/default", "--log",
        "/s/c/log.json", "--log-format", "json", "create", "--bundle", "/s/c", "--pid-file", "/s/c/init.pid", "c"));
    assertEquals(Optional.of(Path.of("/s/c/log.json")), r.jsonLog());
    assertEquals(Optional.of(Path.of("/l")), RuntimeInvocation.parse(List.of("--log=/l", "--log-format=json", "run", "c"))
        .jsonLog());
    assertEquals(Optional.empty(), RuntimeInvocation.parse(List.of("--log", "/l", "create", "c")).jsonLog(),
        "a text log is runc's own business");
  }
}
