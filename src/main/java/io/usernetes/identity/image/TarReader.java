package io.usernetes.identity.image;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * Reads a tar stream entry by entry, as Go's archive/tar (what containerd unpacks with) would:
 * pax records override the header, header-only types have no data whatever their size says, and
 * a stream that ends cleanly before the end-of-archive blocks ends there. What this class cannot
 * read the same way (GNU sparse files, two pax headers for one entry, bad checksums) is refused.
 */
final class TarReader {
  /** Pax headers and GNU long names larger than this are not names or owners but an attack. */
  private static final int MAX_EXTENSION = 1 << 20;

  private final InputStream in;
  private long offset;
  private long dataLeft;
  private long paddingLeft;
  /** For data copied or skipped: one per reader, as entries are many and mostly small. */
  private final byte[] buffer = new byte[64 * 1024];

  TarReader(InputStream in) {
    this.in = in;
  }

  /** The next entry, or null at the end of the archive; skips what is left of the current one's data. */
  TarEntry next() throws IOException {
    copyData(OutputStream.nullOutputStream());
    ByteArrayOutputStream before = new ByteArrayOutputStream();
    ByteArrayOutputStream after = new ByteArrayOutputStream();
    TarHeader paxHeader = null;
    byte[] paxData = null;
    byte[] longName = null;
    byte[] longLink = null;
    boolean onlyGlobals = true;
    while (true) {
      long at = offset;
      byte[] block = readBlock();
      if (block == null || TarHeader.isZero(block)) {
        // global headers are entries of their own to archive/tar, which containerd skips
        if (paxHeader != null || !onlyGlobals) {
          throw new IOException("the archive ends inside the headers of an entry");
        }
        return null;
      }
      TarHeader h = new TarHeader(block);
      if (!h.checksumValid()) {
        throw new IOException("bad tar header checksum at byte " + at);
      }
      ByteArrayOutputStream passedOn = paxHeader == null ? before : after;
      switch (h.rawType()) {
        case TarHeader.PAX -> {
          if (paxHeader != null) {
            throw new IOException("two pax headers for one entry at byte " + at);
          }
          paxHeader = h;
          paxData = extension(h);
        }
        case TarHeader.PAX_GLOBAL -> {
          // archive/tar returns a global header as an entry of its own, which containerd skips,
          // and forgets the records and long names read before it: so do they here
          if (paxHeader != null) {
            before.writeBytes(paxHeader.block);
            before.writeBytes(padTo(paxData));
            before.writeBytes(after.toByteArray());
            after.reset();
            paxHeader = null;
            paxData = null;
          }
          longName = null;
          longLink = null;
          before.writeBytes(block);
          before.writeBytes(padTo(extension(h)));
        }
        case TarHeader.GNU_LONG_NAME, TarHeader.GNU_LONG_LINK -> {
          byte[] data = extension(h);
          passedOn.writeBytes(block);
          passedOn.writeBytes(padTo(data));
          int end = 0;
          while (end < data.length && data[end] != 0) {
            end++;
          }
          onlyGlobals = false;
          if (h.rawType() == TarHeader.GNU_LONG_NAME) {
            longName = java.util.Arrays.copyOf(data, end);
          } else {
            longLink = java.util.Arrays.copyOf(data, end);
          }
        }
        case TarHeader.GNU_SPARSE -> throw new IOException("GNU sparse entries are not supported (byte " + at + ")");
        default -> {
          TarEntry entry = new TarEntry(before.toByteArray(), after.toByteArray(), paxHeader, paxData,
              paxData == null ? null : PaxRecords.parse(paxData), h, longName, longLink);
          dataLeft = entry.size;
          paddingLeft = padded(entry.size) - entry.size;
          return entry;
        }
      }
    }
  }

  /** Where in the stream the current entry's data starts (right after {@link #next}). */
  long dataOffset() {
    return offset;
  }

  /** Copies the current entry's data blocks (with their padding) to {@code out} as they are. */
  void copyData(OutputStream out) throws IOException {
    transfer(dataLeft + paddingLeft, out);
    dataLeft = 0;
    paddingLeft = 0;
  }

  /** The current entry's data, without padding (for the few small files of an image archive). */
  InputStream data() {
    return new InputStream() {
      @Override
      public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        if (dataLeft == 0) {
          return -1;
        }
        int n = in.read(b, off, (int) Math.min(len, dataLeft));
        if (n < 0) {
          throw new EOFException("the archive ends inside an entry's data");
        }
        dataLeft -= n;
        offset += n;
        return n;
      }
    };
  }

  private byte[] extension(TarHeader h) throws IOException {
    long size = h.size();
    if (size > MAX_EXTENSION) {
      throw new IOException("a tar extension header of " + size + " bytes (more than 1 MiB)");
    }
    byte[] data = in.readNBytes((int) size);
    if (data.length != size) {
      throw new EOFException("the archive ends inside an extension header");
    }
    offset += size;
    transfer(padded(size) - size, OutputStream.nullOutputStream());
    return data;
  }

  static byte[] padTo(byte[] data) {
    return java.util.Arrays.copyOf(data, (int) padded(data.length));
  }

  static long padded(long size) {
    return (size + TarHeader.BLOCK - 1) / TarHeader.BLOCK * TarHeader.BLOCK;
  }

  /** The next header block; null where the stream ends cleanly before one. */
  private byte[] readBlock() throws IOException {
    byte[] block = in.readNBytes(TarHeader.BLOCK);
    if (block.length == 0) {
      return null;
    }
    if (block.length != TarHeader.BLOCK) {
      throw new EOFException("the archive ends inside a header");
    }
    offset += TarHeader.BLOCK;
    return block;
  }

  /**
   * Copies {@code n} bytes of the stream to {@code out}. What is skipped is read too, never
   * {@code skip}ped, so that a digest over the stream sees it.
   */
  private void transfer(long n, OutputStream out) throws IOException {
    long left = n;
    while (left > 0) {
      int read = in.read(buffer, 0, (int) Math.min(buffer.length, left));
      if (read < 0) {
        throw new EOFException("the archive ends inside an entry's data");
      }
      out.write(buffer, 0, read);
      left -= read;
    }
    offset += n;
  }
}
