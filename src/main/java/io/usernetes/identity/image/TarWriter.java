package io.usernetes.identity.image;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** Writes a tar stream: entries read by {@link TarReader} (changed or not) and new ustar/pax entries. */
final class TarWriter {
  /** GNU tar's name for a pax header block: what follows it is the entry. */
  private static final byte[] PAX_NAME = "././@PaxHeader".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] ZERO_TIME = "00000000000\0".getBytes(StandardCharsets.US_ASCII);

  private final OutputStream out;

  TarWriter(OutputStream out) {
    this.out = out;
  }

  /**
   * Writes the headers of {@code entry}: the blocks passed on, its pax header (as read when its
   * records are unchanged; else written anew, or made when it had none and now has records), then
   * its header (sealed again only if changed); the caller copies the data after.
   */
  void writeHeaders(TarEntry entry) throws IOException {
    out.write(entry.beforePax);
    PaxRecords pax = entry.paxIfAny();
    if (pax != null && !pax.changed() && entry.paxHeader != null) {
      out.write(entry.paxHeader.block);
      writePadded(entry.paxData);
    } else if (pax != null && !pax.isEmpty()) {
      byte[] records = pax.format();
      TarHeader header = entry.paxHeader != null ? entry.paxHeader
          : TarHeader.create(TarHeader.PAX, PAX_NAME, 0644, 0, entry.header.mtimeField());
      header.setSize(records.length);
      header.seal();
      out.write(header.block);
      writePadded(records);
    }
    out.write(entry.afterPax);
    if (entry.header.changed()) {
      entry.header.seal();
    }
    out.write(entry.header.block);
  }

  /** A new regular file {@code name} (any length: a pax path record when it needs one). */
  void writeFile(byte[] name, int mode, byte[] mtimeField, PaxRecords pax, long size, InputStream content)
      throws IOException {
    PaxRecords records = pax == null ? new PaxRecords() : pax;
    byte[] ustarName = name;
    if (name.length > 100) {
      records.put("path", name);
      ustarName = Arrays.copyOf(name, 100);
    }
    TarHeader header = TarHeader.create(TarHeader.REGULAR, ustarName, mode, size,
        mtimeField == null ? ZERO_TIME : mtimeField);
    if (!records.isEmpty()) {
      byte[] data = records.format();
      TarHeader paxHeader = TarHeader.create(TarHeader.PAX, PAX_NAME, 0644, data.length, header.mtimeField());
      paxHeader.seal();
      out.write(paxHeader.block);
      writePadded(data);
    }
    header.seal();
    out.write(header.block);
    long copied = content.transferTo(out);
    if (copied != size) {
      throw new IOException("wrote " + copied + " bytes of an entry of " + size);
    }
    out.write(new byte[(int) (TarReader.padded(size) - size)]);
  }

  /** The end-of-archive marker: two zero blocks. */
  void finish() throws IOException {
    out.write(new byte[2 * TarHeader.BLOCK]);
    out.flush();
  }

  private void writePadded(byte[] data) throws IOException {
    out.write(data);
    out.write(new byte[(int) (TarReader.padded(data.length) - data.length)]);
  }
}
