package io.usernetes.identity.config;

import io.usernetes.identity.idmap.IdMap;
import io.usernetes.identity.idmap.InvalidIdMapException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.slf4j.event.Level;

/**
 * The effective settings of a program, each with its origin. Every value is checked when the
 * configuration is built, so a bad one is reported once, up front, naming where it came from.
 */
public final class Configuration {
  private final Map<Setting, String> values;
  private final Map<Setting, Origin> origins;
  private final IdMap uidMap;
  private final IdMap gidMap;
  private final ReportMode reportMode;
  private final Level logLevel;
  private final Optional<Path> supervisorSocket;

  Configuration(Map<Setting, String> values, Map<Setting, Origin> origins) {
    this.values = Collections.unmodifiableMap(new EnumMap<>(values));
    this.origins = Collections.unmodifiableMap(new EnumMap<>(origins));
    this.uidMap = idMap(Setting.UID_MAP);
    this.gidMap = idMap(Setting.GID_MAP);
    this.reportMode = choice(Setting.REPORT_MODE, ReportMode.class);
    this.logLevel = choice(Setting.LOG_LEVEL, Level.class);
    this.supervisorSocket = absolutePath(Setting.SUPERVISOR_SOCKET);
  }

  private Optional<Path> absolutePath(Setting setting) {
    String value = values.get(setting).strip();
    if (value.isEmpty()) {
      return Optional.empty();
    }
    if (!value.startsWith("/")) {
      throw new ConfigException(describe(setting) + ": \"" + value + "\" is not an absolute path");
    }
    return Optional.of(Path.of(value));
  }

  private IdMap idMap(Setting setting) {
    try {
      return IdMap.parse(values.get(setting));
    } catch (InvalidIdMapException e) {
      throw new ConfigException(describe(setting) + ": " + e.getMessage());
    }
  }

  private <E extends Enum<E>> E choice(Setting setting, Class<E> type) {
    String value = values.get(setting).strip();
    for (E e : type.getEnumConstants()) {
      if (e.name().equalsIgnoreCase(value)) {
        return e;
      }
    }
    throw new ConfigException(describe(setting) + ": \"" + value + "\" is not one of "
        + java.util.Arrays.stream(type.getEnumConstants())
            .map(e -> e.name().toLowerCase(Locale.ROOT))
            .collect(java.util.stream.Collectors.joining(", ")));
  }

  private String describe(Setting setting) {
    return setting.key() + " (" + origins.get(setting) + ")";
  }

  public IdMap uidMap() {
    return uidMap;
  }

  public IdMap gidMap() {
    return gidMap;
  }

  /** The map for uids, or for gids when {@code gid} is true. */
  public IdMap map(boolean gid) {
    return gid ? gidMap : uidMap;
  }

  public ReportMode reportMode() {
    return reportMode;
  }

  public Level logLevel() {
    return logLevel;
  }

  /** The log file the administrator chose, if any. */
  public Optional<Path> logFile() {
    String file = values.get(Setting.LOG_FILE);
    return file.isBlank() ? Optional.empty() : Optional.of(Path.of(file));
  }

  /** The supervisor's socket, if identity-runtime is to hook containers up to it. */
  public Optional<Path> supervisorSocket() {
    return supervisorSocket;
  }

  public String value(Setting setting) {
    return values.get(setting);
  }

  public Origin origin(Setting setting) {
    return origins.get(setting);
  }
}
