package io.usernetes.identity.kernel.notify;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import io.usernetes.identity.kernel.ErrnoException;
import io.usernetes.identity.kernel.Fd;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * One accepted connection: who is on the other end, and the bytes and descriptors it sends.
 *
 * <p>Layouts (glibc LP64, same on x86_64 and aarch64): {@code struct msghdr} 56 bytes ({@code
 * msg_iov}@16, {@code msg_iovlen}@24, {@code msg_control}@32, {@code msg_controllen}@40, {@code
 * msg_flags}@48); {@code struct iovec} 16 bytes; {@code struct cmsghdr} 16-byte header ({@code
 * cmsg_len} size_t@0, level@8, type@12, data@16), each message padded to 8 bytes.
 */
public final class UnixConnection implements AutoCloseable {
  static final int SOL_SOCKET = 1;
  static final int SCM_RIGHTS = 1;
  static final int SO_PEERCRED = 17;
  static final int SO_RCVTIMEO = 20;
  static final int MSG_CTRUNC = 0x8;
  static final int MSG_NOSIGNAL = 0x4000;
  static final int MSG_CMSG_CLOEXEC = 0x40000000;
  /** The errno of a {@link #receive} that ran out of time. */
  public static final int ETIMEDOUT = 110;
  /** Room for this many descriptors per {@code recvmsg}; more are a protocol violation. */
  static final int MAX_FDS = 16;
  static final int CONTROL_SIZE = 16 + 8 * ((4 * MAX_FDS + 7) / 8);
  private static final int CHUNK = 64 * 1024;

  private final Fd fd;

  UnixConnection(Fd fd) {
    this.fd = fd;
  }

  /** The peer's pid, uid and gid ({@code SO_PEERCRED}). */
  public PeerCredentials peer() throws ErrnoException {
    byte[] value = new byte[12];
    int[] length = {12};
    if (NotifyLib.getsockopt(fd.number(), SOL_SOCKET, SO_PEERCRED, value, length) == -1) {
      throw Errors.failure("getsockopt(SO_PEERCRED)");
    }
    return PeerCredentials.decode(value);
  }

  /** A {@code recv} that waits longer than this fails with {@code EAGAIN}: a silent peer cannot hold us. */
  public void receiveTimeout(int millis) throws ErrnoException {
    ByteBuffer tv = ByteBuffer.allocate(16).order(ByteOrder.nativeOrder());
    tv.putLong(0, millis / 1000).putLong(8, (millis % 1000) * 1000L);
    if (NotifyLib.setsockopt(fd.number(), SOL_SOCKET, SO_RCVTIMEO, tv.array(), 16) == -1) {
      throw Errors.failure("setsockopt(SO_RCVTIMEO)");
    }
  }

  /** The bytes and descriptors a peer sent until it closed its end. */
  public record Received(byte[] data, List<Fd> fds, boolean tooLarge, boolean fdsTruncated) {
    /** Closes every descriptor (for rejected messages). */
    public void closeAll() {
      for (Fd f : fds) {
        try {
          f.close();
        } catch (ErrnoException ignored) {
          // closing a received descriptor cannot fail in a way that matters here
        }
      }
    }
  }

  /** Reads until end of file: {@link #receive} with a message that is never complete early. */
  public Received receiveAll(int maxBytes) throws ErrnoException {
    return receive(maxBytes, data -> false);
  }

  /**
   * Reads until {@code complete} accepts the bytes so far, or end of file; at most {@code
   * maxBytes} bytes (the rest is drained and dropped, and {@code tooLarge} set). Collects every
   * {@code SCM_RIGHTS} descriptor of every chunk with {@code MSG_CMSG_CLOEXEC}; the caller owns
   * them, whatever it decides about the data.
   *
   * <p>{@code complete} exists because a peer may keep its end open after sending: runc 1.1
   * dups the connection to send and closes only the dup, so EOF comes when runc exits.
   */
  public Received receive(int maxBytes, java.util.function.Predicate<byte[]> complete) throws ErrnoException {
    return receive(maxBytes, complete, Long.MAX_VALUE);
  }

  /**
   * {@link #receive(int, java.util.function.Predicate)} that gives up at {@code deadline} (a
   * {@link System#nanoTime} value) with {@code ETIMEDOUT}, however the peer paces its bytes: a
   * per-call timeout ({@code SO_RCVTIMEO}) alone would let a peer that sends one byte now and then
   * hold the connection for ever. Received descriptors are closed when it gives up.
   */
  public Received receive(int maxBytes, java.util.function.Predicate<byte[]> complete, long deadline)
      throws ErrnoException {
    ByteArrayOutputStream data = new ByteArrayOutputStream();
    List<Fd> fds = new ArrayList<>();
    boolean tooLarge = false;
    boolean truncated = false;
    try (Memory buffer = new Memory(CHUNK); Memory iov = new Memory(16);
        Memory control = new Memory(CONTROL_SIZE); Memory message = new Memory(56)) {
      while (true) {
        message.clear();
        control.clear();
        iov.setPointer(0, buffer);
        iov.setLong(8, CHUNK);
        message.setPointer(16, iov);
        message.setLong(24, 1);
        message.setPointer(32, control);
        message.setLong(40, CONTROL_SIZE);
        if (deadline != Long.MAX_VALUE && !readable(deadline)) {
          new Received(new byte[0], fds, false, false).closeAll();
          throw new ErrnoException(ETIMEDOUT, "recvmsg: no complete message in time");
        }
        long r;
        do {
          r = NotifyLib.recvmsg(fd.number(), message, MSG_CMSG_CLOEXEC);
        } while (Errors.interrupted(r));
        if (r == -1) {
          ErrnoException e = Errors.failure("recvmsg");
          new Received(new byte[0], fds, false, false).closeAll();
          throw e;
        }
        truncated |= (message.getInt(48) & MSG_CTRUNC) != 0;
        collectRights(control.getByteArray(0, (int) Math.min(message.getLong(40), CONTROL_SIZE)), fds);
        if (r == 0) {
          break;
        }
        if (data.size() + r > maxBytes) {
          tooLarge = true;
        } else {
          data.write(buffer.getByteArray(0, (int) r), 0, (int) r);
          if (!tooLarge && complete.test(data.toByteArray())) {
            break;
          }
        }
      }
    }
    return new Received(tooLarge ? new byte[0] : data.toByteArray(), fds, tooLarge, truncated);
  }

  /** Waits until the socket is readable (data, EOF or error) or {@code deadline} passes. */
  private boolean readable(long deadline) throws ErrnoException {
    byte[] pollfd = new byte[8];
    ByteBuffer.wrap(pollfd).order(ByteOrder.nativeOrder()).putInt(0, fd.number()).putShort(4, (short) 1);
    while (true) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return false;
      }
      int r = NotifyLib.poll(pollfd, 1, (int) Math.min(Integer.MAX_VALUE, (left + 999_999) / 1_000_000));
      if (r > 0) {
        return true;
      }
      if (r == -1 && !Errors.interrupted(r)) {
        throw Errors.failure("poll(socket)");
      }
    }
  }

  /** Adopts the descriptors of every {@code SCM_RIGHTS} message in a control buffer. */
  static void collectRights(byte[] control, List<Fd> into) {
    ByteBuffer b = ByteBuffer.wrap(control).order(ByteOrder.nativeOrder());
    int at = 0;
    while (at + 16 <= control.length) {
      long length = b.getLong(at);
      if (length < 16 || at + length > control.length) {
        break;
      }
      if (b.getInt(at + 8) == SOL_SOCKET && b.getInt(at + 12) == SCM_RIGHTS) {
        for (int p = at + 16; p + 4 <= at + length; p += 4) {
          into.add(Fd.adopt(b.getInt(p)));
        }
      }
      at += (int) ((length + 7) & ~7L);
    }
  }

  /** Sends bytes without raising {@code SIGPIPE}; {@code false} when the peer is gone. */
  public boolean sendQuietly(byte[] bytes) {
    try {
      return NotifyLib.send(fd.number(), bytes, bytes.length, MSG_NOSIGNAL) == bytes.length;
    } catch (ErrnoException e) {
      return false;
    }
  }

  @Override
  public void close() throws ErrnoException {
    fd.close();
  }

}
