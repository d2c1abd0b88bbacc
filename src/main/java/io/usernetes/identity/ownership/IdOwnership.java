package io.usernetes.identity.ownership;

import io.usernetes.identity.declared.PoolView;
import io.usernetes.identity.idmap.IdMap;

/**
 * One id of a file (its uid or its gid) seen both ways: the host id the kernel stores, the record,
 * and the id a container sees in container mode.
 *
 * <p>A record is believed only when it is well formed and maps to the host id that is actually
 * stored; otherwise the file shows its host id, so a stale or forged record can never make a file
 * appear to belong to someone the host owner does not stand for.
 */
public record IdOwnership(long host, RecordValue record, long container, Status status) {

  public enum Status {
    /** The record maps to the host id. */
    OK,
    /** No record: the host id is all there is, and the container sees it unchanged. */
    NO_RECORD,
    /** A valid record whose id maps to another host id: the file was chowned behind our back. */
    DRIFTED,
    /** A record that is not a decimal id. */
    CORRUPT;

    public boolean isProblem() {
      return this == DRIFTED || this == CORRUPT;
    }
  }

  public static IdOwnership judge(IdMap map, long host, RecordValue record) {
    return judge(PoolView.none(map), host, record);
  }

  /**
   * Judged in a container's view: a record also belongs to a host id its id moved to there (a
   * layer committed from such a container stores what the mount showed: the moved pool id).
   */
  public static IdOwnership judge(PoolView view, long host, RecordValue record) {
    return switch (record.kind()) {
      case ABSENT -> new IdOwnership(host, record, host, Status.NO_RECORD);
      case CORRUPT -> new IdOwnership(host, record, host, Status.CORRUPT);
      case VALID -> view.map().toHost(record.id()) == host || view.hostOf(record.id()) == host
          ? new IdOwnership(host, record, record.id(), Status.OK)
          : new IdOwnership(host, record, host, Status.DRIFTED);
    };
  }
}
