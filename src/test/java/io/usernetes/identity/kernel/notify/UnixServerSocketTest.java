package io.usernetes.identity.kernel.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.usernetes.identity.kernel.ErrnoException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The socket side of the handoff against the real kernel, with the JDK as the client. */
class UnixServerSocketTest {
  @TempDir Path dir;

  @Test
  void socketIsPrivateAndReceivesUntilEofWithThePeersCredentials() throws Exception {
    Path path = dir.resolve("agent.sock");
    try (UnixServerSocket server = UnixServerSocket.listen(path.toString(), 0600)) {
      assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(path)));
      byte[] big = "x".repeat(200_000).getBytes(StandardCharsets.US_ASCII);
      Thread client = new Thread(() -> {
        try (SocketChannel c = SocketChannel.open(StandardProtocolFamily.UNIX)) {
          c.connect(UnixDomainSocketAddress.of(path));
          ByteBuffer b = ByteBuffer.wrap(big);
          while (b.hasRemaining()) {
            c.write(b);
          }
        } catch (Exception e) {
          throw new RuntimeException(e);
        }
      });
      client.start();
      try (UnixConnection conn = server.accept()) {
        PeerCredentials peer = conn.peer();
        assertEquals(ProcessHandle.current().pid(), peer.pid());
        conn.receiveTimeout(5000);
        UnixConnection.Received r = conn.receiveAll(1 << 20);
        assertEquals(big.length, r.data().length, "several chunks, read to EOF");
        assertTrue(r.fds().isEmpty());
        assertFalse(r.tooLarge());
      }
      client.join();
    }
    assertFalse(Files.exists(path), "closing removes the socket file");
  }

  @Test
  void moreThanTheCapIsFlaggedAndDropped() throws Exception {
    Path path = dir.resolve("a.sock");
    try (UnixServerSocket server = UnixServerSocket.listen(path.toString(), 0600)) {
      Thread client = new Thread(() -> {
        try (SocketChannel c = SocketChannel.open(StandardProtocolFamily.UNIX)) {
          c.connect(UnixDomainSocketAddress.of(path));
          c.write(ByteBuffer.wrap(new byte[5000]));
        } catch (Exception e) {
          throw new RuntimeException(e);
        }
      });
      client.start();
      try (UnixConnection conn = server.accept()) {
        UnixConnection.Received r = conn.receiveAll(4096);
        assertTrue(r.tooLarge());
        assertEquals(0, r.data().length);
      }
      client.join();
    }
  }

  @Test
  void aSilentPeerTimesOut() throws Exception {
    Path path = dir.resolve("s.sock");
    try (UnixServerSocket server = UnixServerSocket.listen(path.toString(), 0600);
        SocketChannel c = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      c.connect(UnixDomainSocketAddress.of(path));
      try (UnixConnection conn = server.accept()) {
        conn.receiveTimeout(100);
        ErrnoException e = org.junit.jupiter.api.Assertions.assertThrows(ErrnoException.class,
            () -> conn.receiveAll(4096));
        assertEquals(11, e.errno(), "EAGAIN");
      }
    }
  }

  @Test
  void theSocketIsMode0600WhateverTheUmaskAndTheUmaskIsPutBack() throws Exception {
    int original = NotifyLib.umask(0);
    try {
      for (int umask : new int[] {0, 0022, 0277}) {
        NotifyLib.umask(umask);
        Path path = dir.resolve("mode-" + Integer.toOctalString(umask) + ".sock");
        try (UnixServerSocket server = UnixServerSocket.listen(path.toString(), 0600)) {
          assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(path)),
              "under umask " + Integer.toOctalString(umask));
          assertEquals(umask, NotifyLib.umask(umask), "the process's umask after listen");
        }
      }
    } finally {
      NotifyLib.umask(original);
    }
  }

  @Test
  void answersTellsALiveSocketFromAStaleOne() throws Exception {
    Path live = dir.resolve("live.sock");
    Path stale = dir.resolve("stale.sock");
    try (UnixServerSocket server = UnixServerSocket.listen(live.toString(), 0600)) {
      assertTrue(UnixServerSocket.answers(live.toString()));
    }
    // the JDK leaves the socket file behind when its channel closes, like a killed supervisor
    try (ServerSocketChannel gone = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      gone.bind(UnixDomainSocketAddress.of(stale));
    }
    assertTrue(Files.exists(stale));
    assertFalse(UnixServerSocket.answers(stale.toString()));
    ErrnoException e = org.junit.jupiter.api.Assertions.assertThrows(ErrnoException.class,
        () -> UnixServerSocket.answers(dir.resolve("none.sock").toString()));
    assertEquals(ErrnoException.ENOENT, e.errno());
  }

  @Test
  void aPathTooLongForSunPathIsRefused() {
    ErrnoException e = org.junit.jupiter.api.Assertions.assertThrows(ErrnoException.class,
        () -> UnixServerSocket.listen("/" + "a".repeat(200), 0600));
    assertEquals(ErrnoException.ENAMETOOLONG, e.errno());
  }
}
