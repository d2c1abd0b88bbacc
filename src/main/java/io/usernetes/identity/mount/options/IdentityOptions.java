package io.usernetes.identity.mount.options;

import io.usernetes.identity.config.ReportMode;
import io.usernetes.identity.config.Setting;
import io.usernetes.identity.idmap.IdMap;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.event.Level;

/**
 * usernetes-identity's own {@code -o} options. Each overrides the setting of the same meaning
 * from the configuration file and environment, for this mount only (see {@link #settings()});
 * an option that is not given leaves the configured value alone.
 *
 * <table>
 *   <caption>Own options</caption>
 *   <tr><th>option</th><th>setting</th><th>meaning</th></tr>
 *   <tr><td>{@code uid_map=SPEC}</td><td>{@code uid-map}</td>
 *       <td>container uid → host uid segments {@code CONTAINER:HOST:LENGTH}, the largest being the
 *       pool. Commas end an option inside {@code -o}, so segments are separated by {@code /} or
 *       {@code ;} here ({@code uid_map=0:0:1/1:1:1999/65534:2000:2}), or the whole value is
 *       double-quoted ({@code uid_map="0:0:1,1:1:1999,65534:2000:2"}).</td></tr>
 *   <tr><td>{@code gid_map=SPEC}</td><td>{@code gid-map}</td>
 *       <td>the same for gids</td></tr>
 *   <tr><td>{@code report_mode=auto|container|host}</td><td>{@code report-mode}</td>
 *       <td>which ids the mount reports to the kernel; auto decides from the user namespace</td></tr>
 *   <tr><td>{@code log_file=PATH}</td><td>{@code log-file}</td>
 *       <td>where the daemon logs once it has detached</td></tr>
 *   <tr><td>{@code log_level=error|warn|info|debug|trace}</td><td>{@code log-level}</td>
 *       <td>how much it logs</td></tr>
 * </table>
 *
 * <p>Values are checked when parsed (maps with {@link IdMap#parse}); names of report modes and
 * levels are case-insensitive, as in the configuration file.
 */
public record IdentityOptions(Optional<IdMap> uidMap, Optional<IdMap> gidMap,
    Optional<ReportMode> reportMode, Optional<String> logFile, Optional<Level> logLevel) {

  public static final IdentityOptions NONE = new IdentityOptions(Optional.empty(),
      Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());

  public IdentityOptions {
    Objects.requireNonNull(uidMap, "uidMap");
    Objects.requireNonNull(gidMap, "gidMap");
    Objects.requireNonNull(reportMode, "reportMode");
    Objects.requireNonNull(logFile, "logFile");
    Objects.requireNonNull(logLevel, "logLevel");
  }

  /**
   * The given options as configuration settings in the configuration's own syntax, ready to be
   * passed to {@code ConfigLoader.load} as its highest-precedence layer.
   */
  public Map<Setting, String> settings() {
    Map<Setting, String> settings = new EnumMap<>(Setting.class);
    uidMap.ifPresent(m -> settings.put(Setting.UID_MAP, m.spec()));
    gidMap.ifPresent(m -> settings.put(Setting.GID_MAP, m.spec()));
    reportMode.ifPresent(m -> settings.put(Setting.REPORT_MODE, lower(m)));
    logFile.ifPresent(f -> settings.put(Setting.LOG_FILE, f));
    logLevel.ifPresent(l -> settings.put(Setting.LOG_LEVEL, lower(l)));
    return Collections.unmodifiableMap(settings);
  }

  void appendTo(List<String> options) {
    uidMap.ifPresent(m -> options.add("uid_map=" + m.spec().replace(',', '/')));
    gidMap.ifPresent(m -> options.add("gid_map=" + m.spec().replace(',', '/')));
    reportMode.ifPresent(m -> options.add("report_mode=" + lower(m)));
    logFile.ifPresent(f -> options.add("log_file=" + QuotedText.escape(f, ",")));
    logLevel.ifPresent(l -> options.add("log_level=" + lower(l)));
  }

  private static String lower(Enum<?> value) {
    return value.name().toLowerCase(Locale.ROOT);
  }
}
