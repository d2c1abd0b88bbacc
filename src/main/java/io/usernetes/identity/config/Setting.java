package io.usernetes.identity.config;

import io.usernetes.identity.idmap.IdMap;
import java.util.Locale;

/**
 * The settings all three programs share, so they can never disagree about the map. Each has one
 * name in the config file, one environment variable and one command-line flag.
 */
public enum Setting {
  UID_MAP("uid-map", IdMap.DEFAULT_SPEC,
      "container uid → host uid segments CONTAINER:HOST:LENGTH[,...]; the largest is the pool"),
  GID_MAP("gid-map", IdMap.DEFAULT_SPEC,
      "container gid → host gid segments, same syntax as uid-map"),
  REPORT_MODE("report-mode", "auto",
      "ids the mount reports: auto (from /proc/self/uid_map), container or host"),
  LOG_LEVEL("log-level", "info", "error, warn, info, debug or trace"),
  LOG_FILE("log-file", "",
      "where daemons log; empty means the program's default (see the README)"),
  SUPERVISOR_SOCKET("supervisor-socket", "",
      "identity-runtime adds the supervisor's notify rules to every container, with this socket"
          + " (an absolute path) as listenerPath; empty: it adds none");

  private final String key;
  private final String defaultValue;
  private final String description;

  Setting(String key, String defaultValue, String description) {
    this.key = key;
    this.defaultValue = defaultValue;
    this.description = description;
  }

  /** The name in the config file, and the flag without its leading dashes. */
  public String key() {
    return key;
  }

  public String flag() {
    return "--" + key;
  }

  public String environmentVariable() {
    return "USERNETES_IDENTITY_" + key.toUpperCase(Locale.ROOT).replace('-', '_');
  }

  public String defaultValue() {
    return defaultValue;
  }

  public String description() {
    return description;
  }

  public static Setting ofKey(String key) {
    for (Setting s : values()) {
      if (s.key.equals(key)) {
        return s;
      }
    }
    return null;
  }
}
