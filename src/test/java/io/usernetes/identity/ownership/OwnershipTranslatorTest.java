package io.usernetes.identity.ownership;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.usernetes.identity.config.ReportMode;
import io.usernetes.identity.declared.DeclaredId;
import io.usernetes.identity.declared.HostIdResolver;
import io.usernetes.identity.idmap.IdMap;
import io.usernetes.identity.idmap.UserNamespaceMap;
import io.usernetes.identity.ownership.RecordValue;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class OwnershipTranslatorTest {
  private static final IdMap MAP = IdMap.defaultMap();
  private static final UserNamespaceMap HPC = UserNamespaceMap.parse("0 0 1\n1 1 1999\n65534 2000 2\n");
  private static final HostIdResolver DECLARED = HostIdResolver.of(MAP, List.of(
      new DeclaredId("root", 0), new DeclaredId("alice", 60000), new DeclaredId("svc", 1000),
      new DeclaredId("bob", 1428)));

  private static OwnershipTranslator container(ViewMapping view) {
    return new OwnershipTranslator(ReportMode.CONTAINER, MAP,
        LocalIds.choose(MAP, UserNamespaceMap.IDENTITY, "uid-map"), view, () -> DECLARED,
        CallerNamespaces.none(), false);
  }

  private static OwnershipTranslator host() {
    return new OwnershipTranslator(ReportMode.HOST, MAP, LocalIds.choose(MAP, HPC, "uid-map"),
        ViewMapping.NONE, () -> DECLARED, CallerNamespaces.none(), false);
  }

  @Test
  void containerModeStoresThePoolIdWithARecordAndReportsTheTrueId() {
    OwnershipTranslator t = container(ViewMapping.NONE);
    OwnershipTranslator.Decision d = t.store(60000, 0);
    assertEquals(new OwnershipTranslator.Decision(1633, RecordValue.of(60000)), d);
    assertEquals(60000, t.report(1633, RecordValue.of(60000), OptionalLong.empty()));
    // no record needed where the stored id is the true id; pinned 65534 still needs one
    assertEquals(new OwnershipTranslator.Decision(0, RecordValue.absent()), t.store(0, 0));
    assertEquals(new OwnershipTranslator.Decision(2000, RecordValue.of(65534)), t.store(65534, 0));
  }

  @Test
  void containerModeIgnoresForgedAndCorruptRecords() {
    OwnershipTranslator t = container(ViewMapping.NONE);
    assertEquals(1633, t.report(1633, RecordValue.of(0), OptionalLong.empty()));
    assertEquals(1633, t.report(1633, RecordValue.corrupt(new byte[] {'x'}), OptionalLong.empty()));
    assertEquals(60000, t.report(60000, RecordValue.absent(), OptionalLong.empty()));
  }

  @Test
  void containerModeHonoursOverrideStatAndViewMappings() {
    OwnershipTranslator t = container(ViewMapping.of(List.of(new io.usernetes.identity.mount.options.IdMapping(0, 100, 65536))));
    assertEquals(60100, t.report(1633, RecordValue.of(60000), OptionalLong.empty()));
    assertEquals(1100, t.report(0, RecordValue.absent(), OptionalLong.of(1000)));
    assertEquals(new OwnershipTranslator.Decision(1633, RecordValue.of(60000)), t.store(60100, 0));
    assertThrows(IdNotMappableException.class, () -> t.store(50, 0));
    OwnershipTranslator squash = container(ViewMapping.squash(0));
    assertEquals(0, squash.report(1633, RecordValue.of(60000), OptionalLong.empty()));
    assertNull(squash.store(60000, 0));
  }

  @Test
  void hostModeReportsLocalIdsAndRecordsOnlyUnambiguousTrueIds() {
    OwnershipTranslator t = host();
    assertEquals(1633, t.report(1633, RecordValue.of(60000), OptionalLong.empty()));
    // 1520 is svc (1000) alone: recorded
    assertEquals(new OwnershipTranslator.Decision(1520, RecordValue.of(1000)), t.store(1520, 0));
    // 1633 is alice (60000) and bob (1428): ambiguous, no record
    assertEquals(new OwnershipTranslator.Decision(1633, RecordValue.absent()), t.store(1633, 0));
    // local 65534 is host 2000, pinned to container 65534: the same id, no record
    assertEquals(new OwnershipTranslator.Decision(65534, RecordValue.absent()), t.store(65534, 0));
    // an id nobody declares: stored as is, nothing recorded
    assertEquals(new OwnershipTranslator.Decision(7, RecordValue.absent()), t.store(7, 0));
  }

  @Test
  void hostModeShowsAMovedIdOnItsOwnPoolIdAndStoresItsHashWithTheRecord() {
    // in this container alice (60000) moved from 1633, which bob (1428) keeps, to 1634
    HostIdResolver view = HostIdResolver.inContainer(MAP, List.of(new DeclaredId("alice", 60000),
        new DeclaredId("bob", 1428), new DeclaredId("svc", 1000)));
    OwnershipTranslator t = new OwnershipTranslator(ReportMode.HOST, MAP, LocalIds.choose(MAP, HPC, "uid-map"),
        ViewMapping.NONE, () -> view, CallerNamespaces.none(), false);
    assertTrue(t.needsRecord(1633), "files on 1633 may be alice's");
    assertTrue(!t.needsRecord(1520) && !t.needsRecord(1634));
    assertEquals(1634, t.report(1633, RecordValue.of(60000), OptionalLong.empty()));
    assertEquals(1633, t.report(1633, RecordValue.of(1428), OptionalLong.empty()));
    assertEquals(1633, t.report(1633, RecordValue.absent(), OptionalLong.empty()), "a bare hash is its holder's");
    assertEquals(1634, t.report(0, RecordValue.absent(), OptionalLong.of(60000)), "an import's override");
    assertEquals(new OwnershipTranslator.Decision(1633, RecordValue.of(60000)), t.store(1634, 0));
    assertEquals(new OwnershipTranslator.Decision(1633, RecordValue.of(1428)), t.store(1633, 0));
    assertEquals(60000, t.trueIdOfOverride(1634, RecordValue.of(60000)), "a commit of what the mount showed");
  }

  @Test
  void hostModeTranslatesOverridesIntoTheNamespace() {
    assertEquals(65534, host().report(0, RecordValue.absent(), OptionalLong.of(65534)));
    assertEquals(1633, host().report(0, RecordValue.absent(), OptionalLong.of(60000)));
  }

  @Test
  void aMapWhoseHostIdsDoNotFitTheNamespaceIsRefused() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> LocalIds.choose(IdMap.parse("0:0:1,1:5000:100"), HPC, "uid-map"));
    assertTrue(e.getMessage().startsWith("uid-map 0:0:1,1:5000:100 uses host ids"), e.getMessage());
    assertTrue(LocalIds.choose(MAP, HPC, "uid-map").translates());
    assertTrue(!LocalIds.choose(MAP, UserNamespaceMap.IDENTITY, "uid-map").translates());
  }

  @Test
  void hostModeRecordsWhatTheCallersOwnNamespaceCallsTheId() throws Exception {
    // a caller in a sparse namespace (identity-runtime's): there 1633 is 60000, whom the image's
    // files alone cannot tell from bob (1428)
    Process sparse = new ProcessBuilder("unshare", "--user", "sleep", "60").start();
    try {
      Path ours = Files.readSymbolicLink(Path.of("/proc/self/ns/user"));
      long deadline = System.nanoTime() + 10_000_000_000L;
      while (Files.readSymbolicLink(Path.of("/proc/" + sparse.pid() + "/ns/user")).equals(ours)) {
        assertTrue(System.nanoTime() < deadline, "unshare made no namespace");
        Thread.onSpinWait();
      }
      Files.writeString(Path.of("/proc/" + sparse.pid() + "/uid_map"), "0 0 1\n60000 1633 1\n");
      OwnershipTranslator t = new OwnershipTranslator(ReportMode.HOST, MAP, LocalIds.choose(MAP, HPC, "uid-map"),
          ViewMapping.NONE, () -> DECLARED, CallerNamespaces.forThisProcess(), false);
      assertEquals(new OwnershipTranslator.Decision(1633, RecordValue.of(60000)), t.store(1633, sparse.pid()));
      assertEquals(new OwnershipTranslator.Decision(1633, RecordValue.absent()), t.store(1633, ProcessHandle.current().pid()),
          "a caller in the mount's own namespace: 1633 is ambiguous");
      // a name the map does not send to the stored id is not believed (0 is not 1520's)
      assertEquals(new OwnershipTranslator.Decision(1520, RecordValue.of(1000)), t.store(1520, sparse.pid()));
    } finally {
      sparse.destroy();
      sparse.waitFor();
    }
  }

  @Test
  void aCommittedOverrideIsThePoolIdAndItsRecordTheTrueId() {
    OwnershipTranslator t = host();
    // a commit of a host-mode mount: the override is what the mount showed, the record beside it
    assertEquals(60000, t.trueIdOfOverride(1633, RecordValue.of(60000)));
    assertEquals(1633, t.trueIdOfOverride(1633, RecordValue.of(5)), "a record that does not map to it is not its");
    assertEquals(1633, t.trueIdOfOverride(1633, RecordValue.absent()), "an import's override is the image's id");
    assertTrue(t.overrideMayHaveRecord(1633));
    assertTrue(!t.overrideMayHaveRecord(0), "a pinned id stands for itself");
    assertEquals(1633, container(ViewMapping.NONE).trueIdOfOverride(1633, RecordValue.of(60000)),
        "in container mode a commit carries true ids themselves");
  }
}
