package io.usernetes.identity.mount.options;

import io.usernetes.identity.idmap.IdMap;
import io.usernetes.identity.idmap.Ids;
import io.usernetes.identity.idmap.InvalidIdMapException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;
import java.util.regex.Pattern;

/**
 * Reads the typed value of one {@code name=value} option. Every failure is a {@link
 * MountUsageException} that names the option and quotes the value, e.g. {@code option "fsync":
 * "2" is not 0 or 1}. Callers have already checked that the option has a value.
 */
final class OptionValues {
  /** Whole seconds and up to nanoseconds; 12 digits (30,000 years) is plenty and cannot overflow. */
  private static final Pattern SECONDS = Pattern.compile("([0-9]{1,12})(?:\\.([0-9]{1,9}))?");

  private OptionValues() {}

  /** A path (or other string that must not be empty), quotes and escapes decoded. */
  static String path(RawOption option) {
    String value = text(option);
    if (value.isEmpty()) {
      throw new MountUsageException(name(option) + " is empty");
    }
    return value;
  }

  /** Any string, quotes and escapes decoded; may be empty. */
  static String text(RawOption option) {
    return QuotedText.decode(raw(option), name(option));
  }

  static List<String> lowerDirs(RawOption option) {
    return LowerDirs.split(raw(option));
  }

  /** A colon-separated list; empty elements (and an empty value) give fewer elements. */
  static List<String> list(RawOption option) {
    return QuotedText.splitDecoded(raw(option), ':', name(option)).stream()
        .filter(s -> !s.isEmpty())
        .toList();
  }

  static List<IdMapping> mappings(RawOption option) {
    return IdMappings.parse(option.name(), text(option));
  }

  static boolean zeroOrOne(RawOption option) {
    String value = text(option);
    return switch (value) {
      case "0" -> false;
      case "1" -> true;
      default -> throw invalid(option, value, "0 or 1");
    };
  }

  static long id(RawOption option) {
    String value = text(option);
    OptionalLong id = Ids.parse(value);
    if (id.isEmpty()) {
      throw invalid(option, value, "a decimal id from 0 to " + Ids.MAX_ID);
    }
    return id.getAsLong();
  }

  static int positiveInt(RawOption option) {
    String value = text(option);
    OptionalLong number = Ids.parse(value);
    if (number.isEmpty() || number.getAsLong() < 1 || number.getAsLong() > Integer.MAX_VALUE) {
      throw invalid(option, value, "a decimal number from 1 to " + Integer.MAX_VALUE);
    }
    return (int) number.getAsLong();
  }

  static Duration seconds(RawOption option) {
    String value = text(option);
    var matcher = SECONDS.matcher(value);
    if (!matcher.matches()) {
      throw invalid(option, value, "a number of seconds (digits, optionally a '.' and decimals)");
    }
    String fraction = matcher.group(2) == null ? "" : matcher.group(2);
    return Duration.ofSeconds(Long.parseLong(matcher.group(1)),
        fraction.isEmpty() ? 0 : Long.parseLong((fraction + "00000000").substring(0, 9)));
  }

  static XattrPermissions xattrPermissions(RawOption option) {
    String value = text(option);
    return XattrPermissions.ofNumber(value).orElseThrow(() -> invalid(option, value, "0, 1 or 2"));
  }

  /** One of an enum's constants, by name, ignoring case (as the configuration file does). */
  static <E extends Enum<E>> E choice(RawOption option, Class<E> type) {
    String value = text(option);
    for (E constant : type.getEnumConstants()) {
      if (constant.name().equalsIgnoreCase(value)) {
        return constant;
      }
    }
    List<String> names = Arrays.stream(type.getEnumConstants())
        .map(c -> c.name().toLowerCase(Locale.ROOT))
        .toList();
    String expected = names.size() == 1 ? names.get(0)
        : String.join(", ", names.subList(0, names.size() - 1)) + " or " + names.get(names.size() - 1);
    throw invalid(option, value, expected);
  }

  /**
   * A uid_map-style spec. Unquoted commas end the option, so {@code /} and {@code ;} separate
   * segments here; a double-quoted value may use commas as usual.
   */
  static IdMap idMap(RawOption option) {
    String spec = path(option).replace('/', ',').replace(';', ',');
    try {
      return IdMap.parse(spec);
    } catch (InvalidIdMapException e) {
      throw new MountUsageException(name(option) + ": " + e.getMessage());
    }
  }

  /** {@code redirect_dir=off|follow|on|nofollow}. */
  static RedirectDir redirectDir(RawOption option) {
    return choice(option, RedirectDir.class);
  }

  private static String raw(RawOption option) {
    return option.value().orElseThrow(() -> new IllegalStateException(option.name() + " has no value"));
  }

  private static String name(RawOption option) {
    return "option \"" + option.name() + "\"";
  }

  private static MountUsageException invalid(RawOption option, String value, String expected) {
    return new MountUsageException(name(option) + ": " + MountUsageException.quote(value)
        + " is not " + expected);
  }
}
