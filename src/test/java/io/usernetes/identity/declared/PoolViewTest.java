package io.usernetes.identity.declared;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.usernetes.identity.idmap.IdMap;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class PoolViewTest {
  private static final IdMap MAP = IdMap.defaultMap();
  private static final List<DeclaredId> IMAGE = List.of(new DeclaredId("root", 0),
      new DeclaredId("svc", 1000), new DeclaredId("alice", 60000), new DeclaredId("bob", 1428),
      new DeclaredId("nobody", 65534));

  @Test
  void theLowestOfTwoIdsOnOneHashKeepsItAndTheOtherMovesToTheNextFreePoolId() {
    PoolView view = PoolView.of(MAP, IMAGE);
    assertEquals(1633, view.hostOf(1428));
    assertEquals(1634, view.hostOf(60000));
    assertEquals(OptionalLong.of(1634), view.movedTo(60000));
    assertEquals(OptionalLong.of(60000), view.movedOnto(1634));
    assertTrue(view.movedFrom(1633));
    assertFalse(view.movedFrom(1634));
    assertEquals(OptionalLong.empty(), view.movedTo(1428));
    assertEquals(1520, view.hostOf(1000));
    assertEquals(MAP.toHost(4242), view.hostOf(4242), "an id the image does not declare is on its hash");
    assertEquals("60000 (alice) shares pool id 1633 with 1428 (bob), which keeps it; in this container "
        + "60000 is on pool id 1634", view.moves().get(0).toString());
  }

  @Test
  void aMoveSkipsPoolIdsThatDeclaredIdsHashTo() {
    List<DeclaredId> image = new ArrayList<>(IMAGE);
    long onNext = firstIdHashingTo(1634);
    image.add(new DeclaredId("next", onNext));
    PoolView view = PoolView.of(MAP, image);
    assertEquals(1634, view.hostOf(onNext), "it keeps its hash");
    assertTrue(view.hostOf(60000) > 1634, () -> "60000 on " + view.hostOf(60000));
  }

  @Test
  void theLastPoolIdWrapsRoundToTheFirst() {
    long a = firstIdHashingTo(1999);
    long b = secondIdHashingTo(1999, a);
    PoolView view = PoolView.of(MAP, List.of(new DeclaredId("a", a), new DeclaredId("b", b)));
    assertEquals(1, view.hostOf(Math.max(a, b)));
  }

  @Test
  void aFullPoolLeavesTheRestColliding() {
    IdMap tiny = IdMap.parse("0:0:1,1:1:3,65534:4:2");
    List<DeclaredId> many = new ArrayList<>();
    for (long id = 100; id < 120; id++) {
      many.add(new DeclaredId("u" + id, id));
    }
    PoolView view = PoolView.of(tiny, many);
    long distinctHashes = many.stream().mapToLong(d -> tiny.toHost(d.id())).distinct().count();
    assertEquals(3 - distinctHashes, view.moves().size(), "every free pool id is used once");
    view.moves().forEach(m -> assertTrue(m.to() >= 1 && m.to() <= 3, m::toString));
  }

  @Test
  void pinnedIdsNeitherMoveNorAreMovedOnto() {
    IdMap map = IdMap.parse("0:0:1,1:1:3,65534:4:2");
    List<DeclaredId> ids = List.of(new DeclaredId("root", 0), new DeclaredId("nobody", 65534),
        new DeclaredId("a", 10), new DeclaredId("b", 11), new DeclaredId("c", 12), new DeclaredId("d", 13));
    PoolView view = PoolView.of(map, ids);
    assertEquals(0, view.hostOf(0));
    assertEquals(4, view.hostOf(65534));
    view.moves().forEach(m -> assertTrue(map.isPoolHost(m.to()), m::toString));
  }

  @Test
  void atMost340IdsMoveSoAHugePasswdStaysCheap() {
    List<DeclaredId> many = new ArrayList<>();
    for (long id = 3000; id < 103_000; id++) {
      many.add(new DeclaredId("u", id));
    }
    PoolView view = PoolView.of(MAP, many);
    assertTrue(view.moves().size() <= PoolView.MAX_MOVES, () -> view.moves().size() + " moves");
  }

  private static long firstIdHashingTo(long host) {
    return secondIdHashingTo(host, -1);
  }

  private static long secondIdHashingTo(long host, long not) {
    for (long id = 2; ; id++) {
      if (id != not && id != 65534 && id != 65535 && id != 0 && MAP.toHost(id) == host) {
        return id;
      }
    }
  }
}
