package io.usernetes.identity.idmap;

import java.util.Arrays;

/** A list of ids written as {@code 60000,1428,1000-1999}: single ids and inclusive ranges. */
public final class IdList {
  /** Enough for every 16-bit id many times over, small enough to stay in memory. */
  public static final int MAX_IDS = 1 << 24;

  private IdList() {}

  /**
   * Parses the list into distinct ids in ascending order.
   *
   * @throws IllegalArgumentException naming the bad element
   */
  public static long[] parse(String text) {
    if (text.isBlank()) {
      throw new IllegalArgumentException("empty id list: expected e.g. 60000,1428 or 0-65535");
    }
    long[] ids = new long[16];
    int count = 0;
    for (String element : text.split(",", -1)) {
      String item = element.strip();
      int dash = item.indexOf('-');
      long first = Ids.parseOrThrow(dash < 0 ? item : item.substring(0, dash), "id");
      long last = dash < 0 ? first : Ids.parseOrThrow(item.substring(dash + 1), "id");
      if (last < first) {
        throw new IllegalArgumentException("range \"" + item + "\" ends before it starts");
      }
      if (count + (last - first + 1) > MAX_IDS) {
        throw new IllegalArgumentException("id list \"" + text + "\" has more than " + MAX_IDS + " ids");
      }
      if (ids.length < count + (last - first + 1)) {
        ids = Arrays.copyOf(ids, (int) Math.max(ids.length * 2L, count + (last - first + 1)));
      }
      for (long id = first; id <= last; id++) {
        ids[count++] = id;
      }
    }
    return Arrays.stream(ids, 0, count).sorted().distinct().toArray();
  }
}
