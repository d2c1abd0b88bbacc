package io.usernetes.identity.cli;

import io.usernetes.identity.config.ConfigLoader;
import io.usernetes.identity.config.Configuration;
import io.usernetes.identity.config.Setting;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * The configuration flags every program takes. They override the environment, which overrides the
 * config files (see {@link ConfigLoader}).
 */
public final class SharedOptions {
  @Option(names = "--uid-map", paramLabel = "SPEC", scope = ScopeType.INHERIT,
      description = "Container uid → host uid map CONTAINER:HOST:LENGTH[,...] "
          + "(default ${usernetes.default.map}); the largest segment is the pool.")
  String uidMap;

  @Option(names = "--gid-map", paramLabel = "SPEC", scope = ScopeType.INHERIT,
      description = "Container gid → host gid map, same syntax.")
  String gidMap;

  @Option(names = "--config", paramLabel = "FILE", scope = ScopeType.INHERIT,
      description = "Read this config file instead of /etc/usernetes-identity/config.toml "
          + "and ~/.config/usernetes-identity/config.toml.")
  Path configFile;

  private Configuration loaded;

  /** The effective configuration, loaded once. */
  public Configuration configuration() {
    if (loaded == null) {
      loaded = loader().load(flags(), explicitFile());
    }
    return loaded;
  }

  public ConfigLoader loader() {
    return ConfigLoader.forThisProcess();
  }

  public Optional<Path> explicitFile() {
    return Optional.ofNullable(configFile);
  }

  private Map<Setting, String> flags() {
    Map<Setting, String> flags = new EnumMap<>(Setting.class);
    if (uidMap != null) {
      flags.put(Setting.UID_MAP, uidMap);
    }
    if (gidMap != null) {
      flags.put(Setting.GID_MAP, gidMap);
    }
    return flags;
  }
}
