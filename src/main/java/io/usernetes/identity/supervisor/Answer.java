package io.usernetes.identity.supervisor;

import io.usernetes.identity.kernel.notify.Notification;
import io.usernetes.identity.kernel.notify.Response;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * What to answer one identity call: the response, and the bytes to write into the caller's
 * memory first ({@code getres*id}, {@code getgroups}). Pure: no system calls, so every ABI rule
 * is unit-tested.
 *
 * <p>Rules copied from the kernel: {@code getgroups(0, _)} returns the count and writes nothing;
 * a negative size, or a positive one smaller than the count, is {@code EINVAL}. The 16-bit legacy
 * calls see ids above 65535 as 65534 ({@code overflowuid}) and get {@code u16} arrays; compat
 * callers' pointers are 32 bits.
 */
public record Answer(Response response, List<Write> writes) {
  public static final int EINVAL = 22;
  public static final int EFAULT = 14;
  static final long OVERFLOW_16 = 65534;

  public Answer {
    writes = List.copyOf(writes);
  }

  /** Bytes for the caller's memory at {@code address}. */
  public record Write(long address, byte[] bytes) {}

  public static Answer of(Notification n, IdCall.Classified call, VirtualIds ids) {
    long id = n.id();
    boolean narrow = call.legacy16();
    return switch (call.call()) {
      case GETUID -> value(id, clamp(ids.ruid(), narrow));
      case GETEUID -> value(id, clamp(ids.euid(), narrow));
      case GETGID -> value(id, clamp(ids.rgid(), narrow));
      case GETEGID -> value(id, clamp(ids.egid(), narrow));
      case GETRESUID -> triple(n, call, id, ids.ruid(), ids.euid(), ids.suid());
      case GETRESGID -> triple(n, call, id, ids.rgid(), ids.egid(), ids.sgid());
      case GETGROUPS -> groups(n, call, id, ids.groups());
    };
  }

  private static Answer value(long id, long v) {
    return new Answer(Response.success(id, v), List.of());
  }

  private static Answer triple(Notification n, IdCall.Classified call, long id, long r, long e, long s) {
    List<Write> writes = new ArrayList<>(3);
    long[] values = {r, e, s};
    for (int i = 0; i < 3; i++) {
      writes.add(new Write(pointer(n.arg(i), call), encode(new long[] {values[i]}, call.legacy16())));
    }
    return new Answer(Response.success(id, 0), writes);
  }

  private static Answer groups(Notification n, IdCall.Classified call, long id, long[] groups) {
    int size = (int) n.arg(0);
    if (size < 0) {
      return new Answer(Response.failure(id, EINVAL), List.of());
    }
    if (size == 0 || groups.length == 0) {
      return value(id, groups.length);
    }
    if (size < groups.length) {
      return new Answer(Response.failure(id, EINVAL), List.of());
    }
    return new Answer(Response.success(id, groups.length),
        List.of(new Write(pointer(n.arg(1), call), encode(groups, call.legacy16()))));
  }

  static long pointer(long arg, IdCall.Classified call) {
    return call.compat32() ? arg & 0xFFFF_FFFFL : arg;
  }

  static long clamp(long id, boolean narrow) {
    return narrow && id > 0xFFFF ? OVERFLOW_16 : id;
  }

  static byte[] encode(long[] ids, boolean narrow) {
    ByteBuffer b = ByteBuffer.allocate(ids.length * (narrow ? 2 : 4)).order(ByteOrder.LITTLE_ENDIAN);
    for (long id : ids) {
      if (narrow) {
        b.putShort((short) clamp(id, true));
      } else {
        b.putInt((int) id);
      }
    }
    return b.array();
  }
}
