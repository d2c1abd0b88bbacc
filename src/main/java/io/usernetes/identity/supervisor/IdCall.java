package io.usernetes.identity.supervisor;

import java.util.Optional;

/**
 * The identity system calls the supervisor answers, recognised by (architecture, number) —
 * never by number alone: x86_64's getuid (102) is i386's socketcall, i386's getuid (24) is
 * x86_64's sched_yield. Everything else is answered CONTINUE.
 *
 * <p>Tables (reference, Appendix A): x86_64 and x32 ({@code nr | 0x40000000}); i386 and 32-bit
 * ARM, which share the numbers, with the {@code *32} calls glibc uses and the legacy 16-bit ones
 * ({@code legacy16}: ids above 65535 read as 65534, arrays of {@code u16}); aarch64.
 */
public enum IdCall {
  GETUID, GETEUID, GETGID, GETEGID, GETRESUID, GETRESGID, GETGROUPS;

  public static final long AUDIT_ARCH_X86_64 = 0xC000003EL;
  public static final long AUDIT_ARCH_I386 = 0x40000003L;
  public static final long AUDIT_ARCH_AARCH64 = 0xC00000B7L;
  public static final long AUDIT_ARCH_ARM = 0x40000028L;
  static final int X32_BIT = 0x40000000;

  /**
   * A recognised call.
   *
   * @param legacy16 the 16-bit variant (i386/ARM {@code getuid} 24 etc.)
   * @param compat32 pointers are 32 bits (i386, ARM, x32)
   */
  public record Classified(IdCall call, boolean legacy16, boolean compat32) {}

  public static Optional<Classified> classify(long arch, int nr) {
    if (arch == AUDIT_ARCH_X86_64) {
      boolean x32 = (nr & X32_BIT) != 0;
      IdCall c = switch (nr & ~X32_BIT) {
        case 102 -> GETUID;
        case 104 -> GETGID;
        case 107 -> GETEUID;
        case 108 -> GETEGID;
        case 115 -> GETGROUPS;
        case 118 -> GETRESUID;
        case 120 -> GETRESGID;
        default -> null;
      };
      return c == null ? Optional.empty() : Optional.of(new Classified(c, false, x32));
    }
    if (arch == AUDIT_ARCH_AARCH64) {
      IdCall c = switch (nr) {
        case 148 -> GETRESUID;
        case 150 -> GETRESGID;
        case 158 -> GETGROUPS;
        case 174 -> GETUID;
        case 175 -> GETEUID;
        case 176 -> GETGID;
        case 177 -> GETEGID;
        default -> null;
      };
      return c == null ? Optional.empty() : Optional.of(new Classified(c, false, false));
    }
    if (arch == AUDIT_ARCH_I386 || arch == AUDIT_ARCH_ARM) {
      return switch (nr) {
        case 24 -> legacy(GETUID);
        case 47 -> legacy(GETGID);
        case 49 -> legacy(GETEUID);
        case 50 -> legacy(GETEGID);
        case 80 -> legacy(GETGROUPS);
        case 165 -> legacy(GETRESUID);
        case 171 -> legacy(GETRESGID);
        case 199 -> wide(GETUID);
        case 200 -> wide(GETGID);
        case 201 -> wide(GETEUID);
        case 202 -> wide(GETEGID);
        case 205 -> wide(GETGROUPS);
        case 209 -> wide(GETRESUID);
        case 211 -> wide(GETRESGID);
        default -> Optional.empty();
      };
    }
    return Optional.empty();
  }

  /** {@link #pure} flag: the 16-bit variant, whose ids above 65535 read as 65534. */
  static final int PURE_LEGACY16 = 4;

  /**
   * The pure calls (getuid, geteuid, getgid, getegid: a value, no memory written) without
   * allocating: the {@link #ordinal} (0 to 3), or-ed with {@link #PURE_LEGACY16} for the 16-bit
   * variants; -1 for every other call. Agrees with {@link #classify}.
   */
  static int pure(long arch, int nr) {
    if (arch == AUDIT_ARCH_X86_64) {
      return switch (nr & ~X32_BIT) {
        case 102 -> 0;
        case 107 -> 1;
        case 104 -> 2;
        case 108 -> 3;
        default -> -1;
      };
    }
    if (arch == AUDIT_ARCH_AARCH64) {
      return switch (nr) {
        case 174 -> 0;
        case 175 -> 1;
        case 176 -> 2;
        case 177 -> 3;
        default -> -1;
      };
    }
    if (arch == AUDIT_ARCH_I386 || arch == AUDIT_ARCH_ARM) {
      return switch (nr) {
        case 199 -> 0;
        case 201 -> 1;
        case 200 -> 2;
        case 202 -> 3;
        case 24 -> PURE_LEGACY16;
        case 49 -> 1 | PURE_LEGACY16;
        case 47 -> 2 | PURE_LEGACY16;
        case 50 -> 3 | PURE_LEGACY16;
        default -> -1;
      };
    }
    return -1;
  }

  private static Optional<Classified> legacy(IdCall c) {
    return Optional.of(new Classified(c, true, true));
  }

  private static Optional<Classified> wide(IdCall c) {
    return Optional.of(new Classified(c, false, true));
  }

  /** Whether the answer is written into the caller's memory (and so needs validation first). */
  public boolean writesMemory() {
    return this == GETRESUID || this == GETRESGID || this == GETGROUPS;
  }
}
