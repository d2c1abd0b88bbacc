package io.usernetes.identity.ownership;

import io.usernetes.identity.declared.PoolView;
import io.usernetes.identity.idmap.IdMap;
import io.usernetes.identity.kernel.Attributes;
import io.usernetes.identity.kernel.ErrnoException;
import io.usernetes.identity.kernel.Fd;
import io.usernetes.identity.kernel.Open;
import io.usernetes.identity.kernel.Stat;
import io.usernetes.identity.kernel.Xattrs;
import java.nio.charset.StandardCharsets;

/**
 * Reads the host owner and the ownership record of files in a layer or directory, without
 * following symlinks, and judges them against the id maps. Used by {@code identity-map}.
 *
 * <p>A regular file or directory with a well-formed {@code user.containers.override_stat} is owned
 * by what the override says (containers-storage's {@code force_mask}, and the mount under
 * {@code xattr_permissions}); its records are judged against that owner.
 *
 * <p>Files are named as the mount program names them: a directory descriptor and the exact bytes
 * of a name in it, so the entry record of a symlink or special file is looked up under the key of
 * its true name, whatever its encoding.
 */
public final class OwnershipInspector {
  private static final byte[] UID = OwnershipRecord.UID_XATTR.getBytes(StandardCharsets.US_ASCII);
  private static final byte[] GID = OwnershipRecord.GID_XATTR.getBytes(StandardCharsets.US_ASCII);
  private static final byte[] OVERRIDE = OverrideStat.XATTR.getBytes(StandardCharsets.US_ASCII);

  private final PoolView uids;
  private final PoolView gids;
  private final LayerNamespace namespace;

  public OwnershipInspector(IdMap uidMap, IdMap gidMap) {
    this(PoolView.none(uidMap), PoolView.none(gidMap), LayerNamespace.SAME);
  }

  /**
   * @param uids the uid map, with the image's users where they are known ({@link PoolView})
   * @param namespace the user namespace the layer's owners are written in
   */
  public OwnershipInspector(PoolView uids, PoolView gids, LayerNamespace namespace) {
    this.uids = uids;
    this.gids = gids;
    this.namespace = namespace;
  }

  /**
   * The file at {@code path}: its directory is opened (symlinks on the way are followed, as a
   * shell would) and its last name read there (a symlink is the link itself).
   */
  public FileOwnership inspect(byte[] path) throws ErrnoException {
    byte[] normal = PathBytes.normalize(path);
    try (Fd parent = Open.directoryPath(PathBytes.parent(normal))) {
      return inspect(parent, PathBytes.name(normal), normal);
    }
  }

  /** The file {@code name} in {@code dir}; {@code path} is only what the result shows. */
  public FileOwnership inspect(Fd dir, byte[] name, byte[] path) throws ErrnoException {
    Stat stat = Attributes.statx(dir, name);
    FileType type = FileType.ofMode(stat.mode());
    Owner owner = namespace.ownerOf(stat.uid(), stat.gid());
    RecordValue uid;
    RecordValue gid;
    if (type.carriesOwnRecord()) {
      uid = RecordValue.parse(readXattr(dir, name, UID));
      gid = RecordValue.parse(readXattr(dir, name, GID));
      // containers-storage's force_mask keeps the owner in an override, the backing file the
      // storage user's: the override is the owner the layer stores
      byte[] override = readXattr(dir, name, OVERRIDE);
      if (override != null) {
        OverrideStat o = OverrideStat.parse(override, stat.mode()).orElse(null);
        if (o != null) {
          owner = new Owner(o.uid(), o.gid());
        }
      }
    } else {
      RecordValue[] both = RecordValue.parseEntry(EntryRecords.read(dir, name));
      uid = both[0];
      gid = both[1];
    }
    return FileOwnership.judge(path, type, owner, uid, gid, uids, gids);
  }

  /** The value of a {@code user.*} xattr, or null when the file has none of that name. */
  private static byte[] readXattr(Fd dir, byte[] name, byte[] attr) throws ErrnoException {
    try {
      return Xattrs.getAtOrNull(dir, name, attr);
    } catch (ErrnoException e) {
      if (e.errno() == ErrnoException.ENOTSUP) {
        return null; // the file system has no user xattrs: it cannot hold a record
      }
      throw e;
    }
  }
}
