package io.usernetes.identity.image;

import io.usernetes.identity.idmap.IdMap;
import io.usernetes.identity.ownership.EntryRecords;
import io.usernetes.identity.ownership.OwnershipRecord;
import io.usernetes.identity.ownership.RecordValue;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Rewrites one image layer (an uncompressed tar) into the form the mount program keeps on disk:
 * every owner becomes its pool id, and where that id alone would not tell the true one, the
 * record says it — {@code SCHILY.xattr.user.usernetes.uid}/{@code gid} pax records on regular
 * files and directories (which an unpacker sets as xattrs), and for symlinks and special files an
 * entry {@code DIR/.wh..wh.usernetes/KEY} with the {@code user.usernetes.entry} xattr (a hard link
 * to one gets its own: records are kept by name). Every other byte of the layer is passed on as it
 * was, binary xattr values included.
 *
 * <p>The layer is an input from the image's author: a layer that already carries records of this
 * project is refused (converted twice, or forged), as is anything the tar reader refuses.
 */
public final class LayerConverter {
  private static final String XATTR = "SCHILY.xattr.";
  private static final byte[] ENTRY_DIRECTORY = EntryRecords.DIRECTORY;

  /** What a conversion did, for the summary line. */
  public record Counts(long entries, long records) {
    Counts plus(Counts o) {
      return new Counts(entries + o.entries, records + o.records);
    }
  }

  private final IdMap uids;
  private final IdMap gids;

  public LayerConverter(IdMap uids, IdMap gids) {
    this.uids = uids;
    this.gids = gids;
  }

  /** Converts the layer {@code tar} into {@code out}. @throws IOException naming the entry at fault */
  public Counts convert(InputStream tar, OutputStream out) throws IOException {
    TarReader reader = new TarReader(tar);
    TarWriter writer = new TarWriter(out);
    // the entry records written so far, by name: a hard link to such an entry needs one of its own
    Map<String, byte[]> entryRecords = new HashMap<>();
    long entries = 0;
    long records = 0;
    for (TarEntry e = reader.next(); e != null; e = reader.next()) {
      entries++;
      refuseRecords(e);
      long uid = e.uid();
      long gid = e.gid();
      long hostUid = uids.toHost(uid);
      long hostGid = gids.toHost(gid);
      setOwner(e, hostUid, hostGid);
      boolean recorded = (uid != hostUid || gid != hostGid) && !isWhiteout(e.name);
      boolean inPlace = e.type == TarHeader.REGULAR || e.type == TarHeader.CONTIGUOUS || e.type == TarHeader.DIRECTORY;
      boolean beside = e.type == TarHeader.SYMLINK || e.type == TarHeader.CHAR_DEVICE
          || e.type == TarHeader.BLOCK_DEVICE || e.type == TarHeader.FIFO;
      if (recorded && inPlace) {
        if (uid != hostUid) {
          e.pax().put(XATTR + OwnershipRecord.UID_XATTR, OwnershipRecord.formatId(uid));
        }
        if (gid != hostGid) {
          e.pax().put(XATTR + OwnershipRecord.GID_XATTR, OwnershipRecord.formatId(gid));
        }
        records++;
      }
      writer.writeHeaders(e);
      reader.copyData(out);
      byte[] value = null;
      if (recorded && beside) {
        value = OwnershipRecord.formatEntry(uid != hostUid ? RecordValue.of(uid) : RecordValue.absent(),
            gid != hostGid ? RecordValue.of(gid) : RecordValue.absent());
        entryRecords.put(key(e.name), value);
      } else if (e.type == TarHeader.HARD_LINK) {
        value = entryRecords.get(key(e.linkName));
      }
      if (value != null) {
        writeEntryRecord(writer, e, value);
        records++;
      }
    }
    writer.finish();
    return new Counts(entries, records);
  }

  /** Sets the owner fields that differ, and the pax uid/gid records where the entry has them. */
  private static void setOwner(TarEntry e, long uid, long gid) throws IOException {
    if (e.header.uid() != uid) {
      e.header.setUid(uid);
    }
    if (e.header.gid() != gid) {
      e.header.setGid(gid);
    }
    byte[] paxUid = e.paxValue("uid");
    if (paxUid != null && !Arrays.equals(paxUid, OwnershipRecord.formatId(uid))) {
      e.pax().put("uid", OwnershipRecord.formatId(uid));
    }
    byte[] paxGid = e.paxValue("gid");
    if (paxGid != null && !Arrays.equals(paxGid, OwnershipRecord.formatId(gid))) {
      e.pax().put("gid", OwnershipRecord.formatId(gid));
    }
  }

  /** A name as the unpacker resolves it: no leading {@code ./} or slashes, no trailing slash. */
  private static String key(byte[] name) {
    String n = new String(trimSlashes(name), StandardCharsets.ISO_8859_1);
    while (n.startsWith("./") || n.startsWith("/")) {
      n = n.substring(n.startsWith("./") ? 2 : 1);
    }
    return n;
  }

  /** The record file beside a symlink or special file: its parent's entries directory, its key. */
  private static void writeEntryRecord(TarWriter writer, TarEntry e, byte[] value) throws IOException {
    byte[] name = trimSlashes(e.name);
    int slash = lastSlash(name);
    byte[] parent = Arrays.copyOf(name, slash + 1);
    byte[] base = Arrays.copyOfRange(name, slash + 1, name.length);
    byte[] key = EntryRecords.key(base);
    byte[] path = new byte[parent.length + ENTRY_DIRECTORY.length + 1 + key.length];
    System.arraycopy(parent, 0, path, 0, parent.length);
    System.arraycopy(ENTRY_DIRECTORY, 0, path, parent.length, ENTRY_DIRECTORY.length);
    path[parent.length + ENTRY_DIRECTORY.length] = '/';
    System.arraycopy(key, 0, path, parent.length + ENTRY_DIRECTORY.length + 1, key.length);
    PaxRecords pax = new PaxRecords();
    pax.put(XATTR + OwnershipRecord.ENTRY_XATTR, value);
    writer.writeFile(path, 0644, e.header.mtimeField(), pax, 0, new ByteArrayInputStream(new byte[0]));
  }

  private static void refuseRecords(TarEntry e) throws IOException {
    byte[] name = trimSlashes(e.name);
    for (int from = 0; from <= name.length; ) {
      int to = from;
      while (to < name.length && name[to] != '/') {
        to++;
      }
      if (Arrays.equals(name, from, to, ENTRY_DIRECTORY, 0, ENTRY_DIRECTORY.length)) {
        throw new IOException("entry " + e.printableName() + " is a usernetes-identity record already"
            + " (a layer converted twice, or forged)");
      }
      from = to + 1;
    }
    if (e.paxIfAny() != null) {
      for (PaxRecords.Entry r : e.paxIfAny().entries()) {
        if (r.key().startsWith(XATTR + OwnershipRecord.NAMESPACE)
            || r.key().startsWith("LIBARCHIVE.xattr." + OwnershipRecord.NAMESPACE)) {
          throw new IOException("entry " + e.printableName() + " carries " + r.key().substring(r.key().indexOf('.') + 1)
              + " already (a layer converted twice, or forged)");
        }
      }
    }
  }

  /** {@code .wh.NAME} and {@code .wh..wh..opq}: markers, owned by whoever unpacks them. */
  private static boolean isWhiteout(byte[] name) {
    byte[] trimmed = trimSlashes(name);
    int slash = lastSlash(trimmed);
    return trimmed.length - slash - 1 >= 4 && trimmed[slash + 1] == '.' && trimmed[slash + 2] == 'w'
        && trimmed[slash + 3] == 'h' && trimmed[slash + 4] == '.';
  }

  private static byte[] trimSlashes(byte[] name) {
    int end = name.length;
    while (end > 1 && name[end - 1] == '/') {
      end--;
    }
    return end == name.length ? name : Arrays.copyOf(name, end);
  }

  private static int lastSlash(byte[] name) {
    for (int i = name.length - 1; i >= 0; i--) {
      if (name[i] == '/') {
        return i;
      }
    }
    return -1;
  }
}
