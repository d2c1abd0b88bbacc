package io.usernetes.identity.idmap;

/**
 * FNV-1a, 32 bits, over the decimal ASCII digits of an id: the hash the original Go tool uses,
 * so that every node (and every program of this project) sends a container id to the same host id.
 */
public final class Fnv1a {
  private static final int OFFSET_BASIS = 0x811C9DC5;
  private static final int PRIME = 0x01000193;

  private Fnv1a() {}

  /** The unsigned 32-bit FNV-1a hash of {@code Long.toString(id)}, without allocating. */
  public static long hashDecimal(long id) {
    if (id < 0) {
      throw new IllegalArgumentException("id must not be negative: " + id);
    }
    long divisor = 1;
    while (divisor <= id / 10) {
      divisor *= 10;
    }
    int hash = OFFSET_BASIS;
    for (long rest = id; divisor > 0; divisor /= 10) {
      int digit = (int) (rest / divisor);
      rest -= digit * divisor;
      hash ^= '0' + digit;
      hash *= PRIME;
    }
    return Integer.toUnsignedLong(hash);
  }
}
