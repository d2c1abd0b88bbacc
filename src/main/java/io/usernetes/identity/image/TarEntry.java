package io.usernetes.identity.image;

import io.usernetes.identity.idmap.Ids;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.OptionalLong;

/**
 * One entry of a tar stream: the extension blocks before it that are passed on as they are
 * (global pax headers, GNU long names), its own pax records if any, its header, and what they
 * add up to (pax records override header fields, as in Go's archive/tar, which containerd uses).
 */
final class TarEntry {
  final byte[] passedOn;
  final TarHeader paxHeader;
  final PaxRecords pax;
  final TarHeader header;
  final byte[] name;
  final long size;

  TarEntry(byte[] passedOn, TarHeader paxHeader, PaxRecords pax, TarHeader header, byte[] gnuLongName)
      throws IOException {
    this.passedOn = passedOn;
    this.paxHeader = paxHeader;
    this.pax = pax;
    this.header = header;
    byte[] paxPath = pax == null ? null : pax.get("path");
    this.name = paxPath != null ? paxPath : gnuLongName != null ? gnuLongName : header.ustarName();
    OptionalLong paxSize = paxNumber("size");
    this.size = headerOnly(header.type()) ? 0 : paxSize.isPresent() ? paxSize.getAsLong() : header.size();
  }

  /** Types that carry no data, whatever their size field says (as archive/tar reads them). */
  static boolean headerOnly(byte type) {
    return type == TarHeader.HARD_LINK || type == TarHeader.SYMLINK || type == TarHeader.CHAR_DEVICE
        || type == TarHeader.BLOCK_DEVICE || type == TarHeader.DIRECTORY || type == TarHeader.FIFO;
  }

  byte type() {
    return header.type();
  }

  long uid() throws IOException {
    OptionalLong id = paxNumber("uid");
    return id.isPresent() ? id.getAsLong() : header.uid();
  }

  long gid() throws IOException {
    OptionalLong id = paxNumber("gid");
    return id.isPresent() ? id.getAsLong() : header.gid();
  }

  String printableName() {
    return new String(name, StandardCharsets.UTF_8);
  }

  private OptionalLong paxNumber(String key) throws IOException {
    byte[] value = pax == null ? null : pax.get(key);
    if (value == null) {
      return OptionalLong.empty();
    }
    // digits only (leading zeros allowed, as Go's ParseInt reads them); a sign is refused: Go
    // would take uid -1 as "leave the owner alone"
    long parsed = 0;
    boolean ok = value.length > 0 && value.length <= 18;
    for (byte b : value) {
      ok &= b >= '0' && b <= '9';
      parsed = parsed * 10 + (b - '0');
    }
    if (!ok || (!key.equals("size") && parsed > Ids.MAX_ID)) {
      throw new IOException("entry " + printableName() + ": malformed pax " + key + " record");
    }
    return OptionalLong.of(parsed);
  }
}
