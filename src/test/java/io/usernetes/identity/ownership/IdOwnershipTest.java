package io.usernetes.identity.ownership;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.usernetes.identity.idmap.IdMap;
import org.junit.jupiter.api.Test;

class IdOwnershipTest {
  private final IdMap map = IdMap.defaultMap();

  @Test
  void aRecordThatMapsToTheHostOwnerIsBelieved() {
    IdOwnership id = IdOwnership.judge(map, 1633, RecordValue.of(60000));
    assertEquals(IdOwnership.Status.OK, id.status());
    assertEquals(60000, id.container());
  }

  @Test
  void noRecordShowsTheHostId() {
    IdOwnership id = IdOwnership.judge(map, 1633, RecordValue.absent());
    assertEquals(IdOwnership.Status.NO_RECORD, id.status());
    assertEquals(1633, id.container());
  }

  @Test
  void aForgedRootRecordOnAPoolFileIsDriftedAndIgnored() {
    IdOwnership id = IdOwnership.judge(map, 1633, RecordValue.of(0));
    assertEquals(IdOwnership.Status.DRIFTED, id.status());
    assertEquals(1633, id.container());
  }

  @Test
  void aCorruptRecordIsIgnored() {
    IdOwnership id = IdOwnership.judge(map, 1633, RecordValue.parse("60000\n".getBytes()));
    assertEquals(IdOwnership.Status.CORRUPT, id.status());
    assertEquals(1633, id.container());
  }
}
