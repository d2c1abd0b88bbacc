package io.usernetes.identity.supervisor;

import io.usernetes.identity.idmap.Ids;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * The identity an administrator gave a container outright, from the profile's {@code
 * listenerMetadata} or the container's annotations. Each id it sets is the answer for every
 * process of the container, without looking at the process or the image.
 *
 * <p>Keys: metadata lines {@code UID=N}, {@code GID=N}, {@code GROUPS=N,N,…} (the annotation
 * names {@code usernetes.io/uid=N} etc. work there too; other lines are ignored, so the metadata
 * can carry more); annotations {@value #UID_KEY}, {@value #GID_KEY}, {@value #GROUPS_KEY}.
 * <b>Metadata wins over annotations</b> key by key: the profile file is the administrator's,
 * while annotations can be written by whoever creates a pod. A malformed value is ignored with a
 * warning, never guessed at; a malformed metadata value still wins: that key is then not set
 * explicitly at all, the annotation is not used for it. {@code GROUPS=} (empty) means no
 * supplementary groups.
 */
public record ExplicitIdentity(OptionalLong uid, OptionalLong gid, Optional<long[]> groups,
    List<String> warnings) {
  public static final String UID_KEY = "usernetes.io/uid";
  public static final String GID_KEY = "usernetes.io/gid";
  public static final String GROUPS_KEY = "usernetes.io/groups";
  /** {@code NGROUPS_MAX} of Linux. */
  public static final int MAX_GROUPS = 65536;

  public static final ExplicitIdentity NONE =
      new ExplicitIdentity(OptionalLong.empty(), OptionalLong.empty(), Optional.empty(), List.of());

  public ExplicitIdentity {
    groups = groups.map(long[]::clone);
    warnings = List.copyOf(warnings);
  }

  @Override
  public Optional<long[]> groups() {
    return groups.map(long[]::clone);
  }

  public boolean isEmpty() {
    return uid.isEmpty() && gid.isEmpty() && groups.isEmpty();
  }

  public static ExplicitIdentity of(Map<String, String> annotations, Optional<String> metadata) {
    List<String> warnings = new ArrayList<>();
    Map<String, String> fromMetadata = metadata.map(ExplicitIdentity::metadataKeys).orElse(Map.of());
    OptionalLong uid = id("uid", fromMetadata.get(UID_KEY), annotations.get(UID_KEY), warnings);
    OptionalLong gid = id("gid", fromMetadata.get(GID_KEY), annotations.get(GID_KEY), warnings);
    Optional<long[]> groups = groups(fromMetadata.get(GROUPS_KEY), annotations.get(GROUPS_KEY), warnings);
    return new ExplicitIdentity(uid, gid, groups, warnings);
  }

  /** {@code KEY=VALUE} lines of the metadata that name identity keys, as annotation names. */
  static Map<String, String> metadataKeys(String metadata) {
    java.util.HashMap<String, String> keys = new java.util.HashMap<>();
    for (String line : metadata.split("\n")) {
      int eq = line.indexOf('=');
      if (eq < 0) {
        continue;
      }
      String key = line.substring(0, eq).strip();
      String value = line.substring(eq + 1).strip();
      switch (key) {
        case "UID", UID_KEY -> keys.put(UID_KEY, value);
        case "GID", GID_KEY -> keys.put(GID_KEY, value);
        case "GROUPS", GROUPS_KEY -> keys.put(GROUPS_KEY, value);
        default -> { }
      }
    }
    return keys;
  }

  /**
   * The metadata's value if it has the key, else the annotation's. A malformed metadata value
   * still decides: the key gets no explicit id at all, so that a pod's annotation cannot fill in
   * where the administrator's profile is wrong.
   */
  private static OptionalLong id(String what, String metadata, String annotation, List<String> warnings) {
    String source = metadata != null ? "listenerMetadata" : "annotation";
    String value = metadata != null ? metadata : annotation;
    if (value == null) {
      return OptionalLong.empty();
    }
    OptionalLong id = Ids.parse(value.strip());
    if (id.isEmpty()) {
      warnings.add(source + " " + what + " \"" + StateParser.printable(value) + "\" is not an id, "
          + ignored(metadata, annotation));
    }
    return id;
  }

  /** Like {@link #id}, for the groups list. */
  private static Optional<long[]> groups(String metadata, String annotation, List<String> warnings) {
    String source = metadata != null ? "listenerMetadata" : "annotation";
    String value = metadata != null ? metadata : annotation;
    if (value == null) {
      return Optional.empty();
    }
    Optional<long[]> list = parseGroups(value);
    if (list.isEmpty()) {
      warnings.add(source + " groups \"" + StateParser.printable(value)
          + "\" is not a comma-separated list of at most " + MAX_GROUPS + " ids, "
          + ignored(metadata, annotation));
    }
    return list;
  }

  /** The end of a malformed value's warning: what is done instead. */
  private static String ignored(String metadata, String annotation) {
    return metadata != null && annotation != null ? "ignored, and so is the annotation" : "ignored";
  }

  /** {@code N,N,…} (duplicates dropped, order kept); empty for anything else. */
  public static Optional<long[]> parseGroups(String text) {
    String t = text.strip();
    if (t.isEmpty()) {
      return Optional.of(new long[0]);
    }
    if (t.length() > MAX_GROUPS * 11) {
      return Optional.empty();
    }
    Set<Long> ids = new LinkedHashSet<>();
    for (String item : t.split(",", -1)) {
      OptionalLong id = Ids.parse(item.strip());
      if (id.isEmpty() || ids.size() >= MAX_GROUPS) {
        return Optional.empty();
      }
      ids.add(id.getAsLong());
    }
    return Optional.of(ids.stream().mapToLong(Long::longValue).toArray());
  }

  @Override
  public String toString() {
    return "uid " + (uid.isPresent() ? uid.getAsLong() : "-") + " gid "
        + (gid.isPresent() ? gid.getAsLong() : "-") + " groups "
        + groups.map(Arrays::toString).orElse("-");
  }
}
