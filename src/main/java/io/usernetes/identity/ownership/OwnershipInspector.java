package io.usernetes.identity.ownership;

import io.usernetes.identity.idmap.IdMap;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.util.Map;

/**
 * Reads the host owner and the ownership record of files in a layer or directory, without
 * following symlinks, and judges them against the id maps. Used by {@code identity-map}.
 */
public final class OwnershipInspector {
  private static final String USER_PREFIX = "user.";

  private final IdMap uidMap;
  private final IdMap gidMap;

  public OwnershipInspector(IdMap uidMap, IdMap gidMap) {
    this.uidMap = uidMap;
    this.gidMap = gidMap;
  }

  public FileOwnership inspect(Path path) throws IOException {
    Map<String, Object> attrs =
        Files.readAttributes(path, "unix:mode,uid,gid", LinkOption.NOFOLLOW_LINKS);
    FileType type = FileType.ofMode((Integer) attrs.get("mode"));
    Owner host = new Owner(
        Integer.toUnsignedLong((Integer) attrs.get("uid")),
        Integer.toUnsignedLong((Integer) attrs.get("gid")));
    RecordValue uid;
    RecordValue gid;
    if (type.carriesOwnRecord()) {
      uid = RecordValue.parse(readXattr(path, OwnershipRecord.UID_XATTR));
      gid = RecordValue.parse(readXattr(path, OwnershipRecord.GID_XATTR));
    } else {
      Path parent = path.toAbsolutePath().getParent();
      byte[] entry = parent == null ? null : readXattr(parent,
          EntryRecordKey.xattrName(path.getFileName().toString().getBytes(
              jnuCharset())));
      RecordValue[] both = RecordValue.parseEntry(entry);
      uid = both[0];
      gid = both[1];
    }
    return FileOwnership.judge(path.toString(), type, host, uid, gid, uidMap, gidMap);
  }

  /** The value of a {@code user.*} xattr, or null when the file has none of that name. */
  private static byte[] readXattr(Path path, String name) throws IOException {
    UserDefinedFileAttributeView view = Files.getFileAttributeView(
        path, UserDefinedFileAttributeView.class, LinkOption.NOFOLLOW_LINKS);
    String shortName = name.substring(USER_PREFIX.length());
    try {
      if (!view.list().contains(shortName)) {
        return null;
      }
      ByteBuffer buffer = ByteBuffer.allocate(view.size(shortName));
      view.read(shortName, buffer);
      buffer.flip();
      byte[] value = new byte[buffer.remaining()];
      buffer.get(value);
      return value;
    } catch (FileSystemException e) {
      if (e.getMessage() != null && e.getMessage().contains("Operation not supported")) {
        return null; // the file system has no user xattrs: it cannot hold a record
      }
      throw e;
    }
  }

  /** The charset the JDK uses for file names, so a name is hashed as the bytes on disk. */
  private static java.nio.charset.Charset jnuCharset() {
    String name = System.getProperty("sun.jnu.encoding");
    try {
      return name == null ? java.nio.charset.Charset.defaultCharset()
          : java.nio.charset.Charset.forName(name);
    } catch (IllegalArgumentException e) {
      return java.nio.charset.Charset.defaultCharset();
    }
  }
}
