package io.usernetes.identity.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.usernetes.identity.kernel.ProcessIds;
import io.usernetes.identity.kernel.notify.UnixConnection;
import io.usernetes.identity.kernel.notify.UnixServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The mount service's exchange and lifetime, against the launcher's real native client. */
class MountServiceTest {
  private static final Path CLIENT = Path.of("target/usernetes-identity-client").toAbsolutePath();
  private static final int NOT_SERVED = 200;

  @TempDir Path dir;

  private record Run(int status, String err) {}

  private Process start(Path socket, List<String> env, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("env", "-i"));
    command.addAll(env);
    command.add(CLIENT.toString());
    command.add(socket.toString());
    command.addAll(List.of(args));
    return new ProcessBuilder(command).directory(dir.toFile()).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
  }

  private Run client(Path socket, String... args) throws Exception {
    return finish(start(socket, List.of("A=1"), args));
  }

  private static Run finish(Process p) throws Exception {
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(70, TimeUnit.SECONDS), "the client never waits for ever");
    return new Run(p.exitValue(), err);
  }

  /** A service on its own thread; {@code ended} completes when {@link MountService#serve} returns. */
  private record Serving(MountService service, CompletableFuture<Void> ended) implements AutoCloseable {
    @Override
    public void close() {
      service.close();
    }
  }

  private static Serving serving(Path socket, Set<Long> allowed, Duration firstRequest, MountService.Mounter mounter)
      throws Exception {
    MountService service = MountService.bind(socket, allowed, mounter);
    CompletableFuture<Void> ended = new CompletableFuture<>();
    Thread t = new Thread(() -> {
      service.serve(firstRequest);
      ended.complete(null);
    }, "test-service");
    t.setDaemon(true);
    t.start();
    return new Serving(service, ended);
  }

  private static Set<Long> me() {
    return Set.of(ProcessIds.geteuid());
  }

  @Test
  void theServiceMountsAndTheClientExitsWithTheStatusAndSaysWhatTheMountSaid() throws Exception {
    Path socket = dir.resolve("mount.sock");
    AtomicReference<MountRequest> seen = new AtomicReference<>();
    CompletableFuture<Void> mounted = new CompletableFuture<>();
    try (Serving s = serving(socket, me(), Duration.ofMinutes(1), (request, err) -> {
      seen.set(request);
      err.println("usernetes-identity: warning: something to say");
      return new MountService.Outcome(0, mounted, () -> {});
    })) {
      Run r = client(socket, "-o", "lowerdir=/l\u00e9", "/mnt");
      assertEquals(0, r.status());
      assertEquals("usernetes-identity: warning: something to say\n", r.err());
      assertEquals(dir.toRealPath().toString(), seen.get().cwd());
      assertEquals("1", seen.get().environment().get("A"));
      // the argument's bytes, one char per byte, as the launcher's JVM decodes its arguments
      assertEquals(List.of("-o", new String("lowerdir=/l\u00e9".getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1),
          "/mnt"), seen.get().args());
      assertEquals(1, s.service().active(), "the mount holds the service");
      mounted.complete(null);
      s.ended().get(10, TimeUnit.SECONDS);
      assertFalse(Files.exists(socket), "the service removed its socket with its last mount");
      assertEquals(NOT_SERVED, client(socket, "/mnt").status(), "nobody listens: the launcher starts a service");
    }
  }

  @Test
  void theServiceLivesUntilItsLastMountEnds() throws Exception {
    Path socket = dir.resolve("mount.sock");
    List<CompletableFuture<Void>> mounts = new ArrayList<>();
    try (Serving s = serving(socket, me(), Duration.ofMinutes(1), (request, err) -> {
      CompletableFuture<Void> m = new CompletableFuture<>();
      synchronized (mounts) {
        mounts.add(m);
      }
      return new MountService.Outcome(0, m, () -> {});
    })) {
      assertEquals(0, client(socket, "/a").status());
      assertEquals(0, client(socket, "/b").status());
      mounts.get(0).complete(null);
      assertEquals(0, client(socket, "/c").status(), "one mount left: still serving");
      mounts.get(1).complete(null);
      mounts.get(2).complete(null);
      s.ended().get(10, TimeUnit.SECONDS);
      assertEquals(0, s.service().active());
    }
  }

  @Test
  void aFailedMountIsItsStatusAndLeavesNoService() throws Exception {
    Path socket = dir.resolve("mount.sock");
    try (Serving s = serving(socket, me(), Duration.ofMinutes(1), (request, err) -> {
      err.println("usernetes-identity: upperdir /u: no such file or directory");
      return MountService.Outcome.failed(1);
    })) {
      Run r = client(socket, "/a");
      assertEquals(1, r.status());
      assertEquals("usernetes-identity: upperdir /u: no such file or directory\n", r.err());
      s.ended().get(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void aMountThatHangsDelaysNoOtherMount() throws Exception {
    Path socket = dir.resolve("mount.sock");
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch hanging = new CountDownLatch(1);
    try (Serving s = serving(socket, me(), Duration.ofMinutes(1), (request, err) -> {
      if (request.args().contains("/hangs")) {
        hanging.countDown();
        try {
          release.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      return MountService.Outcome.failed(3);
    })) {
      Process slow = start(socket, List.of(), "/hangs");
      assertTrue(hanging.await(10, TimeUnit.SECONDS));
      assertEquals(3, client(socket, "/other").status(), "served while the other hangs");
      release.countDown();
      assertEquals(3, finish(slow).status());
    }
  }

  @Test
  void aMounterThatBreaksIsTheMountFailingWithItsReason() throws Exception {
    Path socket = dir.resolve("mount.sock");
    try (Serving s = serving(socket, me(), Duration.ofMinutes(1), (request, err) -> {
      throw new IllegalStateException("broken");
    })) {
      Run r = client(socket, "/a");
      assertEquals(1, r.status());
      assertEquals("usernetes-identity: cannot mount: java.lang.IllegalStateException: broken\n", r.err());
      s.ended().get(10, TimeUnit.SECONDS);
    }
  }

  /** A service that dies after accepting (here: one that closes the connection instead of answering). */
  @Test
  void aServiceThatEndsAfterAcceptingIsTheMountFailingNotAFallback() throws Exception {
    Path socket = dir.resolve("mount.sock");
    try (UnixServerSocket server = UnixServerSocket.listen(socket.toString(), 0600)) {
      Process p = start(socket, List.of(), "/a");
      try (UnixConnection c = server.accept()) {
        c.receive(MountRequest.MAX_BYTES, data -> false).closeAll();
        assertTrue(c.sendQuietly("accepted\n".getBytes(StandardCharsets.US_ASCII)));
      }
      Run r = finish(p);
      assertEquals(1, r.status(), "the mount failed: a second try could mount twice");
      assertEquals("usernetes-identity: the mount service at " + socket + " ended before answering; see its log\n",
          r.err());
    }
  }

  @Test
  void aFallbackOrARefusedPeerIsNotServed() throws Exception {
    Path socket = dir.resolve("mount.sock");
    try (Serving s = serving(socket, me(), Duration.ofMinutes(1), (request, err) -> MountService.Outcome.FALLBACK)) {
      assertEquals(NOT_SERVED, client(socket, "/a").status());
    }
    Path other = dir.resolve("other.sock");
    AtomicReference<MountRequest> seen = new AtomicReference<>();
    try (Serving s = serving(other, Set.of(4242L), Duration.ofMinutes(1), (request, err) -> {
      seen.set(request);
      return MountService.Outcome.failed(1);
    })) {
      assertEquals(NOT_SERVED, client(other, "/a").status());
      assertEquals(null, seen.get(), "nothing was done for a peer of another uid");
    }
  }

  @Test
  void aServiceNobodyUsesExits() throws Exception {
    Path socket = dir.resolve("mount.sock");
    try (Serving s = serving(socket, me(), Duration.ofMillis(200), (request, err) -> MountService.Outcome.failed(1))) {
      s.ended().get(10, TimeUnit.SECONDS);
      assertFalse(Files.exists(socket));
    }
  }
}
