package io.usernetes.identity.image;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The records of a POSIX pax extended header ({@code "LEN KEY=VALUE\n"} each), in their order.
 * Values are kept as bytes: {@code SCHILY.xattr.*} values are raw xattr bytes (a file
 * capability is binary), which a round trip through a string would corrupt.
 */
final class PaxRecords {
  /** One record; the key is ASCII in practice, the value any bytes. */
  record Entry(String key, byte[] value) {}

  private final List<Entry> entries = new ArrayList<>();
  private boolean changed;

  /** @throws IOException when {@code data} is not a well-formed sequence of records */
  static PaxRecords parse(byte[] data) throws IOException {
    PaxRecords records = new PaxRecords();
    int at = 0;
    while (at < data.length) {
      if (data[at] == 0) {
        break; // padding some writers leave after the last record
      }
      int space = at;
      long length = 0;
      while (space < data.length && data[space] >= '0' && data[space] <= '9' && space - at < 10) {
        length = length * 10 + (data[space] - '0');
        space++;
      }
      if (space == at || space >= data.length || data[space] != ' ' || length <= space - at + 1
          || at + length > data.length || data[(int) (at + length - 1)] != '\n') {
        throw new IOException("malformed pax record at byte " + at);
      }
      int end = (int) (at + length - 1);
      int equals = space + 1;
      while (equals < end && data[equals] != '=') {
        equals++;
      }
      if (equals == end || equals == space + 1) {
        throw new IOException("malformed pax record at byte " + at + " (no KEY=)");
      }
      records.entries.add(new Entry(new String(data, space + 1, equals - space - 1, StandardCharsets.UTF_8),
          Arrays.copyOfRange(data, equals + 1, end)));
      at = (int) (at + length);
    }
    return records;
  }

  List<Entry> entries() {
    return entries;
  }

  /** The value of the last record with {@code key} (a later record overrides), or null. */
  byte[] get(String key) {
    byte[] value = null;
    for (Entry e : entries) {
      if (e.key().equals(key)) {
        value = e.value();
      }
    }
    return value;
  }

  /** Whether {@link #put} changed a record since they were parsed: only then are they written anew. */
  boolean changed() {
    return changed;
  }

  /** Sets {@code key}: replaces its records in place, or appends one. */
  void put(String key, byte[] value) {
    changed = true;
    boolean replaced = false;
    for (int i = 0; i < entries.size(); i++) {
      if (entries.get(i).key().equals(key)) {
        if (replaced) {
          entries.remove(i--);
        } else {
          entries.set(i, new Entry(key, value));
          replaced = true;
        }
      }
    }
    if (!replaced) {
      entries.add(new Entry(key, value));
    }
  }

  boolean isEmpty() {
    return entries.isEmpty();
  }

  /** The records in pax form; a record's length counts its own digits. */
  byte[] format() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (Entry e : entries) {
      byte[] key = e.key().getBytes(StandardCharsets.UTF_8);
      int body = 1 + key.length + 1 + e.value().length + 1; // " KEY=VALUE\n"
      int length = body + 1;
      while (length != body + Integer.toString(length).length()) {
        length = body + Integer.toString(length).length();
      }
      out.writeBytes(Integer.toString(length).getBytes(StandardCharsets.US_ASCII));
      out.write(' ');
      out.writeBytes(key);
      out.write('=');
      out.writeBytes(e.value());
      out.write('\n');
    }
    return out.toByteArray();
  }
}
