package io.usernetes.identity.declared;

import io.usernetes.identity.idmap.Ids;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * The accounts of a passwd or group file as found in a container image.
 *
 * <p>Both formats keep the name in field 0 and the id in field 2. The file comes from an image,
 * so it is untrusted: malformed lines are skipped and reported, never guessed at; NIS
 * {@code +}/{@code -} lines and comments are skipped silently.
 */
public record AccountFile(Kind kind, List<DeclaredId> accounts, List<String> warnings) {

  public enum Kind {
    PASSWD("passwd", 7),
    GROUP("group", 4);

    private final String fileName;
    private final int fields;

    Kind(String fileName, int fields) {
      this.fileName = fileName;
      this.fields = fields;
    }

    public String fileName() {
      return fileName;
    }
  }

  /** Lines longer than this are not accounts; glibc itself has a similar practical limit. */
  private static final int MAX_LINE = 64 * 1024;

  public static AccountFile parse(Kind kind, String content) {
    List<DeclaredId> accounts = new ArrayList<>();
    List<String> warnings = new ArrayList<>();
    String[] lines = content.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i].endsWith("\r") ? lines[i].substring(0, lines[i].length() - 1) : lines[i];
      if (line.isEmpty() || line.startsWith("#") || line.startsWith("+") || line.startsWith("-")) {
        continue;
      }
      String where = kind.fileName + " line " + (i + 1);
      if (line.length() > MAX_LINE) {
        warnings.add(where + ": longer than " + MAX_LINE + " characters, skipped");
        continue;
      }
      String[] fields = line.split(":", -1);
      if (fields.length != kind.fields) {
        warnings.add(where + ": expected " + kind.fields + " ':'-separated fields, found "
            + fields.length + ", skipped");
        continue;
      }
      if (fields[0].isEmpty()) {
        warnings.add(where + ": empty name, skipped");
        continue;
      }
      OptionalLong id = Ids.parse(fields[2]);
      if (id.isEmpty()) {
        warnings.add(where + ": id \"" + fields[2] + "\" of " + fields[0]
            + " is not a decimal id, skipped");
        continue;
      }
      accounts.add(new DeclaredId(fields[0], id.getAsLong()));
    }
    return new AccountFile(kind, List.copyOf(accounts), List.copyOf(warnings));
  }
}
