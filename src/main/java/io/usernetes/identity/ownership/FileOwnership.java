package io.usernetes.identity.ownership;

import io.usernetes.identity.declared.PoolView;

/**
 * The ownership of one file as the host stores it and as a container sees it. {@code path} is the
 * file's path as the command line or the walk named it, in exact bytes (a name need not be UTF-8).
 */
public record FileOwnership(byte[] path, FileType type, IdOwnership uid, IdOwnership gid) {

  public static FileOwnership judge(byte[] path, FileType type, Owner host,
      RecordValue uidRecord, RecordValue gidRecord, PoolView uids, PoolView gids) {
    return new FileOwnership(path, type,
        IdOwnership.judge(uids, host.uid(), uidRecord),
        IdOwnership.judge(gids, host.gid(), gidRecord));
  }

  public boolean hasProblem() {
    return uid.status().isProblem() || gid.status().isProblem();
  }

  public boolean hasRecord() {
    return uid.record().kind() != RecordValue.Kind.ABSENT
        || gid.record().kind() != RecordValue.Kind.ABSENT;
  }
}
