package io.usernetes.identity.userns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.usernetes.identity.declared.AccountFile;
import io.usernetes.identity.declared.DeclaredId;
import io.usernetes.identity.declared.PoolView;
import io.usernetes.identity.idmap.IdMap;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class SparseIdMapsTest {
  private static final IdMap MAP = IdMap.defaultMap();
  /** The image of ARCHITECTURE.md: bob (1428) and alice (60000) share pool id 1633. */
  private static final List<DeclaredId> IMAGE = AccountFile.parse(AccountFile.Kind.PASSWD, """
      root:x:0:0:root:/root:/bin/sh
      svc:x:1000:1000::/srv:/sbin/nologin
      bob:x:1428:1428::/home/bob:/bin/sh
      alice:x:60000:60000::/home/alice:/bin/sh
      nobody:x:65534:65534:nobody:/:/sbin/nologin
      """).accounts();

  /** The map of the image, whoever runs: what the mount program reports from the same passwd. */
  private static final String IMAGE_MAP =
      "0 0 1\n1000 1520 1\n1428 1633 1\n60000 1634 1\n65534 2000 1\n";

  @Test
  void collidingIdsBothKeepAnIdOfTheirOwnTheHigherOnTheNextFreePoolId() {
    SparseIdMap uids = SparseIdMaps.compute(MAP, IMAGE, List.of(60000L, 0L));
    assertEquals(IMAGE_MAP, uids.toString());
    assertEquals(List.of(), uids.leftOut());
    assertEquals(List.of(new PoolView.Move(new DeclaredId("alice", 60000), 1633,
        new DeclaredId("bob", 1428), 1634)), uids.moves());
  }

  @Test
  void theViewDoesNotDependOnTheProcessUser() {
    assertEquals(IMAGE_MAP, SparseIdMaps.compute(MAP, IMAGE, List.of(1428L, 0L)).toString());
    assertEquals(IMAGE_MAP, SparseIdMaps.compute(MAP, IMAGE, List.of()).toString(),
        "with no required id (root is declared too)");
  }

  @Test
  void aRequiredIdTheImageDoesNotDeclareTakesItsHashFromADeclaredOne() {
    List<DeclaredId> bobOnly = List.of(new DeclaredId("bob", 1428));
    SparseIdMap uids = SparseIdMaps.compute(MAP, bobOnly, List.of(60000L));
    assertEquals("60000 1633 1\n", uids.toString());
    assertEquals(List.of(new LeftOut(1428, LeftOut.Reason.COLLISION,
        "1428 (bob) shares host id 1633 with 60000, which keeps it (required)")), uids.leftOut());
  }

  @Test
  void requiredIdsTheImageDoesNotDeclareAreMapped() {
    // gids: the process's group, an additional gid and devpts's gid=5 from the config's mounts
    SparseIdMap gids = SparseIdMaps.compute(MAP, IMAGE, List.of(60000L, 4242L, 0L, 5L));
    assertEquals(OptionalLong.of(1237), gids.hostOf(5));
    assertEquals(OptionalLong.of(MAP.toHost(4242)), gids.hostOf(4242));
    assertEquals(OptionalLong.of(1634), gids.hostOf(60000));
    assertEquals(List.of(), gids.leftOut());
  }

  @Test
  void ofTwoRequiredIdsOnOneHostIdTheFirstGivenKeepsIt() {
    SparseIdMap gids = SparseIdMaps.compute(MAP, List.of(), List.of(60000L, 1428L));
    assertEquals("60000 1633 1\n", gids.toString());
    assertEquals("1428 shares host id 1633 with 60000, which keeps it (required)",
        gids.leftOut().get(0).detail());
  }

  @Test
  void consecutiveIdsOnConsecutiveHostIdsShareALine() {
    SparseIdMap uids = SparseIdMaps.compute(MAP,
        List.of(new DeclaredId("nobody", 65534), new DeclaredId("nfsnobody", 65535)), List.of(0L));
    assertEquals(List.of(new IdMappingLine(0, 0, 1), new IdMappingLine(65534, 2000, 2)),
        uids.lines());
  }

  @Test
  void composedWithTheConfigsMappingTheHostSideIsItsParentIds() {
    // the config's namespace has its container ids 0..2000 on the parent's 1..2001
    ConfigMapping config = ConfigMapping.of(List.of(new IdMappingLine(0, 1, 2001)));
    List<DeclaredId> image = new ArrayList<>(IMAGE);
    image.add(new DeclaredId("nfsnobody", 65535));
    SparseIdMap uids = SparseIdMaps.compute(MAP, image, List.of(60000L, 0L), config);
    assertEquals("0 1 1\n1000 1521 1\n1428 1634 1\n60000 1635 1\n65534 2001 1\n", uids.toString());
    assertEquals(List.of(
        new LeftOut(65535, LeftOut.Reason.NOT_IN_CONFIG_MAPPING,
            "65535 (nfsnobody) is on host id 2001, which has no id in the config's"
                + " user-namespace mapping")),
        uids.leftOut());
  }

  @Test
  void aThousandUsersFillTheKernelsLinesAndTheRestIsLeftToTheSupervisor() {
    StringBuilder passwd = new StringBuilder("root:x:0:0::/root:/bin/sh\n");
    for (int uid = 3000; uid < 4000; uid++) {
      passwd.append("user").append(uid).append(":x:").append(uid).append(":100::/home:/bin/sh\n");
    }
    List<DeclaredId> image =
        AccountFile.parse(AccountFile.Kind.PASSWD, passwd.toString()).accounts();
    // the process user is the highest of them: it must be kept although lower ids fill the map
    SparseIdMap uids = SparseIdMaps.compute(MAP, image, List.of(3999L, 0L));

    assertEquals(SparseIdMap.MAX_LINES, uids.lines().size());
    assertEquals(OptionalLong.of(PoolView.of(MAP, image).hostOf(3999)), uids.hostOf(3999));
    assertEquals(OptionalLong.of(0), uids.hostOf(0));
    List<Long> overflow = leftOutIds(uids, LeftOut.Reason.LINE_LIMIT);
    assertTrue(!overflow.isEmpty() && !overflow.contains(3999L), () -> "overflow " + overflow);
    // lowest first: every declared id below the first one left out was mapped or collided
    for (long uid = 3000; uid < overflow.get(0); uid++) {
      long id = uid;
      assertTrue(uids.hostOf(id).isPresent()
          || leftOutIds(uids, LeftOut.Reason.COLLISION).contains(id), () -> "lost " + id);
    }
    long mapped = uids.lines().stream().mapToLong(IdMappingLine::size).sum();
    assertEquals(1001, mapped + uids.leftOut().size(), "every id is mapped or reported once");
    assertTrue(uids.leftOut(LeftOut.Reason.LINE_LIMIT).get(0).detail()
        .endsWith("does not fit in the kernel's 340 lines; left to the supervisor"));
  }

  @Test
  void idsTheKernelWouldRefuseAndRepeatsAreHandledNotThrown() {
    List<DeclaredId> image = new ArrayList<>(IMAGE);
    image.add(new DeclaredId("svc-alias", 1000));
    image.add(new DeclaredId("broken", -3));
    SparseIdMap uids =
        SparseIdMaps.compute(MAP, image, List.of(60000L, 60000L, -1L, 4294967295L, 0L, -1L));
    assertEquals(IMAGE_MAP, uids.toString());
    assertEquals(List.of(
        new LeftOut(-3, LeftOut.Reason.INVALID_ID, "-3 (broken) is not an id (0 to 4294967294)"),
        new LeftOut(-1, LeftOut.Reason.INVALID_ID, "-1 is not an id (0 to 4294967294)"),
        new LeftOut(4294967295L, LeftOut.Reason.INVALID_ID,
            "4294967295 is not an id (0 to 4294967294)")),
        uids.leftOut());
  }

  @Test
  void nothingAskedForIsAnEmptyMap() {
    SparseIdMap none = SparseIdMaps.compute(MAP, List.of(), List.of());
    assertEquals(List.of(), none.lines());
    assertEquals("", none.toString());
  }

  private static List<Long> leftOutIds(SparseIdMap map, LeftOut.Reason reason) {
    return map.leftOut(reason).stream().map(LeftOut::containerId).toList();
  }
}
