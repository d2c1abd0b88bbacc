package io.usernetes.identity.kernel.notify;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * {@code struct ucred} from {@code SO_PEERCRED} (12 bytes: {@code pid}, {@code uid}, {@code gid},
 * each 32 bits): who connected, as the kernel recorded it at {@code connect} time, translated into
 * our namespaces. The only part of a connection a client cannot lie about.
 */
public record PeerCredentials(long pid, long uid, long gid) {
  public static PeerCredentials decode(byte[] raw) {
    ByteBuffer b = ByteBuffer.wrap(raw).order(ByteOrder.nativeOrder());
    return new PeerCredentials(Integer.toUnsignedLong(b.getInt(0)), Integer.toUnsignedLong(b.getInt(4)),
        Integer.toUnsignedLong(b.getInt(8)));
  }
}
