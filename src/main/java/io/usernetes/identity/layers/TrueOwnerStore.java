package io.usernetes.identity.layers;

import io.usernetes.identity.ownership.RecordValue;

/**
 * How a true (container) owner is stored on a backing file: its local owner plus the records. The
 * mount's ownership translation provides it; copy-up asks it when a lower file's owner comes from
 * containers-storage's override_stat rather than from the file itself.
 */
public interface TrueOwnerStore {
  /**
   * What to write for a file whose lower layer's override says {@code uid:gid}, with the records
   * it has beside it (a committed layer's; absent for an imported one).
   */
  Stored store(long uid, long gid, RecordValue uidRecord, RecordValue gidRecord);

  /** A local owner and the records that go with it ({@code ABSENT}: none). */
  record Stored(long uid, long gid, RecordValue uidRecord, RecordValue gidRecord) {}
}
