package io.usernetes.identity.kernel;

/**
 * A file time: seconds since the epoch and nanoseconds, as in {@code struct timespec}. For
 * {@link Attributes#utimensat} also one of the two markers {@link #NOW} and {@link #OMIT}.
 */
public record Timespec(long seconds, int nanos) {
  private static final int UTIME_NOW = (1 << 30) - 1;
  private static final int UTIME_OMIT = (1 << 30) - 2;

  /** Set the time to the current time. */
  public static final Timespec NOW = new Timespec(0, UTIME_NOW);
  /** Leave the time as it is. */
  public static final Timespec OMIT = new Timespec(0, UTIME_OMIT);

  public Timespec {
    if ((nanos < 0 || nanos > 999_999_999) && nanos != UTIME_NOW && nanos != UTIME_OMIT) {
      throw new IllegalArgumentException("nanoseconds out of range: " + nanos);
    }
  }
}
