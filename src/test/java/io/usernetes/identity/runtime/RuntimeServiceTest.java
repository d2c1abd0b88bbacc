package io.usernetes.identity.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The resident service against the launcher's real native client (built before the tests). */
class RuntimeServiceTest {
  private static final Path CLIENT = Path.of("target/identity-runtime-client").toAbsolutePath();
  private static final int NOT_SERVED = 200;

  @TempDir Path dir;

  private record Run(int status, String err) {}

  private Run client(Path socket, String... args) throws Exception {
    List<String> command = new java.util.ArrayList<>(List.of(CLIENT.toString(), socket.toString()));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    return new Run(p.waitFor(), err);
  }

  private static RuntimeService serving(Path socket, Set<Long> allowed, RuntimeService.Handler handler) throws IOException {
    RuntimeService service = RuntimeService.bind(socket, allowed, handler);
    Thread t = new Thread(service::serve, "test-service");
    t.setDaemon(true);
    t.start();
    return service;
  }

  @Test
  void theServiceDoesTheWorkAndTheClientExitsWithItsStatusAndSaysWhatItSaid() throws Exception {
    Path socket = dir.resolve("runtime.sock");
    AtomicReference<RuntimeRequest> seen = new AtomicReference<>();
    try (RuntimeService service = serving(socket, new java.util.HashSet<>(List.of(0L, io.usernetes.identity.kernel.ProcessIds.getuid())), (request, err) -> {
      seen.set(request);
      err.println("identity-runtime: warning: uid 1428 left out");
      return 3;
    })) {
      Run r = client(socket, "--root", "/run/runc", "create", "--bundle", "b", "c1");
      assertEquals(3, r.status());
      assertEquals("identity-runtime: warning: uid 1428 left out\n", r.err());
      assertEquals(new RuntimeRequest(dir.toRealPath(), List.of("--root", "/run/runc", "create", "--bundle", "b", "c1")),
          seen.get());
      IOException second = assertThrows(IOException.class, () -> RuntimeService.bind(socket, Set.of(0L), (q, e) -> 0));
      assertTrue(second.getMessage().contains("something is serving there already"), second.getMessage());
    }
    assertEquals(NOT_SERVED, client(socket, "create", "c1").status(), "no service: the launcher runs the JVM itself");
  }

  @Test
  void aPeerWhoseUidIsNotAllowedIsNotServed() throws Exception {
    Path socket = dir.resolve("runtime.sock");
    AtomicReference<RuntimeRequest> seen = new AtomicReference<>();
    try (RuntimeService service = serving(socket, Set.of(4242L), (request, err) -> {
      seen.set(request);
      return 0;
    })) {
      assertEquals(NOT_SERVED, client(socket, "create", "c1").status());
      assertEquals(null, seen.get(), "nothing was done for it");
    }
  }
}
