package io.usernetes.identity.image;

import io.usernetes.identity.idmap.Ids;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.OptionalLong;

/**
 * One entry of a tar stream: the extension blocks before it that are passed on as they are
 * (global pax headers, GNU long names; those read before its pax header and those after), its own
 * pax header if any, its header, and what they add up to the way Go's archive/tar (what containerd
 * unpacks with) adds them up: a non-empty pax record overrides the header, a GNU long name
 * overrides both, and a v7 entry whose name ends in a slash is a directory.
 */
final class TarEntry {
  final byte[] beforePax;
  final byte[] afterPax;
  final TarHeader paxHeader;
  final byte[] paxData;
  final TarHeader header;
  final byte[] name;
  final byte[] linkName;
  final byte type;
  final long size;
  private PaxRecords pax;

  TarEntry(byte[] beforePax, byte[] afterPax, TarHeader paxHeader, byte[] paxData, PaxRecords pax, TarHeader header,
      byte[] gnuLongName, byte[] gnuLongLink) throws IOException {
    this.beforePax = beforePax;
    this.afterPax = afterPax;
    this.paxHeader = paxHeader;
    this.paxData = paxData;
    this.pax = pax;
    this.header = header;
    this.name = first(gnuLongName, paxValue("path"), header.ustarName());
    this.linkName = first(gnuLongLink, paxValue("linkpath"), header.linkName());
    byte raw = header.rawType();
    this.type = raw != 0 ? raw : name.length > 0 && name[name.length - 1] == '/' ? TarHeader.DIRECTORY : TarHeader.REGULAR;
    OptionalLong paxSize = paxNumber("size");
    this.size = headerOnly(type) ? 0 : paxSize.isPresent() ? paxSize.getAsLong() : header.size();
  }

  /** Types that carry no data, whatever their size field says (as archive/tar reads them). */
  static boolean headerOnly(byte type) {
    return type == TarHeader.HARD_LINK || type == TarHeader.SYMLINK || type == TarHeader.CHAR_DEVICE
        || type == TarHeader.BLOCK_DEVICE || type == TarHeader.DIRECTORY || type == TarHeader.FIFO;
  }

  /** The entry's pax records, made (empty, no header yet) when it has none. */
  PaxRecords pax() {
    if (pax == null) {
      pax = new PaxRecords();
    }
    return pax;
  }

  /** The records as read, or null; a writer passes unchanged ones on as they were. */
  PaxRecords paxIfAny() {
    return pax;
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

  /** A record's value; an empty one counts as absent, as archive/tar keeps the header's then. */
  byte[] paxValue(String key) {
    byte[] value = pax == null ? null : pax.get(key);
    return value == null || value.length == 0 ? null : value;
  }

  private static byte[] first(byte[]... candidates) {
    for (byte[] c : candidates) {
      if (c != null && c.length > 0) {
        return c;
      }
    }
    return candidates[candidates.length - 1];
  }

  private OptionalLong paxNumber(String key) throws IOException {
    byte[] value = paxValue(key);
    if (value == null) {
      return OptionalLong.empty();
    }
    // digits only (leading zeros allowed, as Go's ParseInt reads them); a sign is refused: Go
    // would take uid -1 as "leave the owner alone"
    long parsed = 0;
    boolean ok = value.length <= 18;
    for (byte b : value) {
      ok &= b >= '0' && b <= '9';
      parsed = parsed * 10 + (b - '0');
    }
    if (!ok || (!key.equals("size") && parsed > Ids.MAX_ID)) {
      throw new IOException("entry " + printableName() + ": malformed pax " + key + " record \""
          + new String(Arrays.copyOf(value, Math.min(value.length, 24)), StandardCharsets.UTF_8) + "\"");
    }
    return OptionalLong.of(parsed);
  }
}
