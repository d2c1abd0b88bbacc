package io.usernetes.identity.cli;

import io.usernetes.identity.idmap.IdMap;
import io.usernetes.identity.kernel.Printable;
import io.usernetes.identity.ownership.FileOwnership;
import io.usernetes.identity.ownership.IdOwnership;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * How {@code stat} and {@code tree} show a file's ownership, as text and as JSON. Paths are shown
 * as {@link Printable#shown} shows names: as they are when printable UTF-8, else quoted.
 */
final class OwnershipText {
  private OwnershipText() {}

  /** One line for one id, e.g. {@code uid host 1633, record 60000 -> container 60000 (ok)}. */
  static String line(String kind, IdOwnership id, IdMap map) {
    String verdict = switch (id.status()) {
      case OK -> "ok";
      case NO_RECORD -> "no record";
      case DRIFTED -> "DRIFTED: the record's id maps to host " + map.toHost(id.record().id())
          + ", the file is owned by " + id.host() + "; the record is ignored";
      case CORRUPT -> "CORRUPT record, ignored";
    };
    return kind + " host " + id.host() + ", record " + id.record() + " -> container "
        + id.container() + " (" + verdict + ")";
  }

  static Map<String, Object> json(FileOwnership f) {
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("path", path(f));
    row.put("type", f.type().name().toLowerCase(Locale.ROOT));
    row.put("uid", json(f.uid()));
    row.put("gid", json(f.gid()));
    return row;
  }

  static String path(FileOwnership f) {
    return Printable.shown(f.path());
  }

  private static Map<String, Object> json(IdOwnership id) {
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("host", id.host());
    row.put("record", switch (id.record().kind()) {
      case ABSENT -> null;
      case CORRUPT -> id.record().raw();
      case VALID -> id.record().id();
    });
    row.put("container", id.container());
    row.put("status", id.status().name().toLowerCase(Locale.ROOT));
    return row;
  }
}
