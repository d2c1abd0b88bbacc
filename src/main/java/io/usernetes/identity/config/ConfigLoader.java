package io.usernetes.identity.config;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Builds the one {@link Configuration} all programs use, from (lowest to highest precedence) the
 * built-in defaults, the system file {@value #SYSTEM_FILE}, the user's file {@code
 * $XDG_CONFIG_HOME/usernetes-identity/config.toml} (or {@code ~/.config/...}), the environment
 * ({@code USERNETES_IDENTITY_*}) and command-line flags.
 *
 * <p>{@code --config FILE} or {@code USERNETES_IDENTITY_CONFIG=FILE} replace both files with one
 * that must exist. The files are TOML with one string per setting, e.g. {@code uid-map =
 * "0:0:1,1:1:1999,65534:2000:2"}; an unknown key is an error, so a typo never goes unnoticed.
 */
public final class ConfigLoader {
  public static final String SYSTEM_FILE = "/etc/usernetes-identity/config.toml";
  public static final String CONFIG_VARIABLE = "USERNETES_IDENTITY_CONFIG";

  private final Map<String, String> environment;
  private final Optional<Path> systemFile;

  /**
   * @param environment the process environment (a parameter so tests can give their own)
   * @param systemFile the system-wide file, normally {@link #SYSTEM_FILE}
   */
  public ConfigLoader(Map<String, String> environment, Optional<Path> systemFile) {
    this.environment = Map.copyOf(environment);
    this.systemFile = systemFile;
  }

  public static ConfigLoader forThisProcess() {
    return forEnvironment(System.getenv());
  }

  /** As a process with {@code environment} would load it (the mount service, for its callers). */
  public static ConfigLoader forEnvironment(Map<String, String> environment) {
    return new ConfigLoader(environment, Optional.of(Path.of(SYSTEM_FILE)));
  }

  /** The files read, lowest precedence first; an explicit file must exist, the others may not. */
  public List<Path> files(Optional<Path> explicitFile) {
    Optional<Path> explicit = explicitFile.or(() ->
        Optional.ofNullable(environment.get(CONFIG_VARIABLE)).filter(s -> !s.isEmpty()).map(Path::of));
    if (explicit.isPresent()) {
      return List.of(explicit.get());
    }
    List<Path> files = new ArrayList<>();
    systemFile.filter(Files::exists).ifPresent(files::add);
    userFile().filter(Files::exists).ifPresent(files::add);
    return files;
  }

  private Optional<Path> userFile() {
    String xdg = environment.get("XDG_CONFIG_HOME");
    if (xdg != null && xdg.startsWith("/")) {
      return Optional.of(Path.of(xdg, "usernetes-identity", "config.toml"));
    }
    String home = environment.get("HOME");
    if (home != null && home.startsWith("/")) {
      return Optional.of(Path.of(home, ".config", "usernetes-identity", "config.toml"));
    }
    return Optional.empty();
  }

  /**
   * @param flags values given on the command line
   * @param explicitFile the {@code --config} flag, if given
   * @throws ConfigException for an unreadable or malformed file, an unknown key or a bad value
   */
  public Configuration load(Map<Setting, String> flags, Optional<Path> explicitFile) {
    Map<Setting, String> values = new EnumMap<>(Setting.class);
    Map<Setting, Origin> origins = new EnumMap<>(Setting.class);
    for (Setting s : Setting.values()) {
      values.put(s, s.defaultValue());
      origins.put(s, Origin.DEFAULT);
    }
    for (Path file : files(explicitFile)) {
      readFile(file).forEach((setting, value) -> {
        values.put(setting, value);
        origins.put(setting, new Origin(Origin.Kind.FILE, file.toString()));
      });
    }
    for (Setting s : Setting.values()) {
      String value = environment.get(s.environmentVariable());
      if (value != null) {
        values.put(s, value);
        origins.put(s, new Origin(Origin.Kind.ENVIRONMENT, s.environmentVariable()));
      }
    }
    flags.forEach((setting, value) -> {
      values.put(setting, value);
      origins.put(setting, new Origin(Origin.Kind.FLAG, setting.flag()));
    });
    return new Configuration(values, origins);
  }

  private static Map<Setting, String> readFile(Path file) {
    Map<String, Object> raw;
    try {
      raw = new TomlMapper().readValue(Files.readString(file), new TypeReference<>() {});
    } catch (NoSuchFileException e) {
      throw new ConfigException("config file " + file + " does not exist");
    } catch (JacksonException e) {
      String where = e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ")";
      throw new ConfigException("config file " + file + where + ": " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new ConfigException("config file " + file + ": cannot read: " + e.getMessage());
    }
    Map<Setting, String> settings = new EnumMap<>(Setting.class);
    if (raw == null) {
      return settings;
    }
    raw.forEach((key, value) -> {
      Setting setting = Setting.ofKey(key);
      if (setting == null) {
        throw new ConfigException("config file " + file + ": unknown key \"" + key + "\" (known: "
            + Arrays.stream(Setting.values()).map(Setting::key).collect(Collectors.joining(", "))
            + ")");
      }
      if (!(value instanceof String text)) {
        throw new ConfigException("config file " + file + ": " + key
            + " must be a quoted string, e.g. " + key + " = \"" + setting.defaultValue() + "\"");
      }
      settings.put(setting, text);
    });
    return settings;
  }
}
