package io.usernetes.identity.kernel;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The paths taken on kernels older than the one CI runs, forced on a newer kernel so that they
 * are tested before they meet an HPC node (RHEL 8 and 9: 4.18 and 5.14). Set {@value #VARIABLE}
 * to a comma-separated list of names ({@code poll,proc,xattrat}, or {@code all}); it is read once
 * per process. Nothing else changes: the forced path is the one an old kernel would take.
 */
public enum KernelFallback {
  /** The supervisor calls RECV only after poll says the listener is readable (before 6.11). */
  POLL("poll"),
  /** The supervisor reads thread ids from {@code /proc/TID/status}, no pidfd credentials (before 6.13). */
  PROC("proc"),
  /** The mount reaches xattrs through an {@code O_PATH} descriptor, no {@code *xattrat} calls (before 6.13). */
  XATTRAT("xattrat");

  public static final String VARIABLE = "USERNETES_IDENTITY_KERNEL_FALLBACKS";

  private static final Choice RUNNING = parse(System.getenv(VARIABLE));

  private final String word;

  KernelFallback(String word) {
    this.word = word;
  }

  /** The name in {@value #VARIABLE}. */
  public String word() {
    return word;
  }

  /** Whether this process was told to take this path. */
  public boolean forced() {
    return RUNNING.forced.contains(this);
  }

  /** What this process was told: the fallbacks forced, and the words it did not know. */
  public static Choice running() {
    return RUNNING;
  }

  /** The variable's value as forced fallbacks; null or blank forces none. */
  public static Choice parse(String value) {
    Set<KernelFallback> forced = EnumSet.noneOf(KernelFallback.class);
    List<String> unknown = new ArrayList<>();
    if (value != null) {
      for (String w : value.split(",")) {
        String word = w.strip().toLowerCase(Locale.ROOT);
        if (word.isEmpty()) {
          continue;
        }
        if (word.equals("all")) {
          forced.addAll(EnumSet.allOf(KernelFallback.class));
          continue;
        }
        KernelFallback f = ofWord(word);
        if (f == null) {
          unknown.add(w.strip());
        } else {
          forced.add(f);
        }
      }
    }
    return new Choice(forced, unknown);
  }

  private static KernelFallback ofWord(String word) {
    for (KernelFallback f : values()) {
      if (f.word.equals(word)) {
        return f;
      }
    }
    return null;
  }

  /**
   * Fallbacks forced, and words that name none (kept so that the programs can say so: a typo
   * must not pass for a tested fallback).
   */
  public record Choice(Set<KernelFallback> forced, List<String> unknown) {
    public Choice {
      forced = Set.copyOf(forced);
      unknown = List.copyOf(unknown);
    }

    /** The forced names in a fixed order, e.g. {@code poll,xattrat}; empty when none. */
    public String words() {
      StringBuilder b = new StringBuilder();
      for (KernelFallback f : values()) {
        if (forced.contains(f)) {
          b.append(b.length() == 0 ? "" : ",").append(f.word);
        }
      }
      return b.toString();
    }
  }
}
