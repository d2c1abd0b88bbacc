package io.usernetes.identity.ownership;

import java.util.OptionalLong;

/** What a file's record says about one id: nothing, something unparsable, or a container id. */
public record RecordValue(Kind kind, long id, String raw) {
  public enum Kind {
    ABSENT,
    CORRUPT,
    VALID
  }

  private static final RecordValue ABSENT = new RecordValue(Kind.ABSENT, -1, null);

  public static RecordValue absent() {
    return ABSENT;
  }

  public static RecordValue of(long id) {
    return new RecordValue(Kind.VALID, id, Long.toString(id));
  }

  /** Shows a corrupt value safely: bytes outside printable ASCII are escaped. */
  public static RecordValue corrupt(byte[] raw) {
    StringBuilder shown = new StringBuilder();
    for (byte b : raw) {
      int c = b & 0xFF;
      if (c >= 0x20 && c < 0x7F && c != '\\') {
        shown.append((char) c);
      } else {
        shown.append(String.format("\\x%02x", c));
      }
    }
    return new RecordValue(Kind.CORRUPT, -1, shown.toString());
  }

  /** Parses the value of a {@code user.usernetes.uid}/{@code gid} xattr; null means absent. */
  public static RecordValue parse(byte[] value) {
    if (value == null) {
      return ABSENT;
    }
    OptionalLong id = OwnershipRecord.parseId(value);
    return id.isPresent() ? of(id.getAsLong()) : corrupt(value);
  }

  /**
   * Splits an entry value {@code UID:GID}, either half possibly empty (no record); anything but
   * exactly one colon makes both halves corrupt.
   */
  public static RecordValue[] parseEntry(byte[] value) {
    if (value == null) {
      return new RecordValue[] {ABSENT, ABSENT};
    }
    int colon = -1;
    for (int i = 0; i < value.length; i++) {
      if (value[i] == ':') {
        if (colon >= 0) {
          return new RecordValue[] {corrupt(value), corrupt(value)};
        }
        colon = i;
      }
    }
    if (colon < 0) {
      return new RecordValue[] {corrupt(value), corrupt(value)};
    }
    return new RecordValue[] {half(value, 0, colon), half(value, colon + 1, value.length)};
  }

  private static RecordValue half(byte[] value, int from, int to) {
    return from == to ? ABSENT : parse(java.util.Arrays.copyOfRange(value, from, to));
  }

  public boolean isValid() {
    return kind == Kind.VALID;
  }

  @Override
  public String toString() {
    return switch (kind) {
      case ABSENT -> "none";
      case CORRUPT -> "corrupt \"" + raw + "\"";
      case VALID -> raw;
    };
  }
}
