package io.usernetes.identity.supervisor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.usernetes.identity.declared.AccountFile;
import io.usernetes.identity.declared.HostIdResolver;
import io.usernetes.identity.idmap.IdMap;
import io.usernetes.identity.idmap.UserNamespaceMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The resolution rules: explicit, declared, collision, none (default map: 60000 -> 1633, 1428 -> 1633). */
class ContainerIdentityTest {
  private static final IdMap MAP = IdMap.defaultMap();

  private static ImageDeclarations image(String passwd, String group) {
    AccountFile p = AccountFile.parse(AccountFile.Kind.PASSWD, passwd);
    AccountFile g = AccountFile.parse(AccountFile.Kind.GROUP, group);
    return new ImageDeclarations(HostIdResolver.of(MAP, p.accounts()), HostIdResolver.of(MAP, g.accounts()),
        p.accounts().size(), g.accounts().size(), List.of(), List.of());
  }

  private static TaskIds task(long uid, long gid, long... groups) {
    return new TaskIds(new long[] {uid, uid, uid}, new long[] {gid, gid, gid}, groups);
  }

  private static final ImageDeclarations SITE = image("root:x:0:0::/:/bin/sh\nsite:x:60000:60000::/:/bin/sh\n",
      "root:x:0:\nsite:x:60000:\n");

  @Test
  void declaredIdsAreFoundBehindTheirPoolId() {
    VirtualIds v = new ContainerIdentity("c", ExplicitIdentity.NONE).resolve(task(1633, 1633, 1633, 0), SITE);
    assertEquals(60000, v.ruid());
    assertEquals(60000, v.euid());
    assertEquals(60000, v.rgid());
    assertArrayEquals(new long[] {60000, 0}, v.groups());
  }

  @Test
  void explicitIdentityWinsOverTheImage() {
    ExplicitIdentity e = ExplicitIdentity.of(Map.of(), Optional.of("UID=1234"));
    VirtualIds v = new ContainerIdentity("c", e).resolve(task(1633, 1633), SITE);
    assertEquals(1234, v.ruid());
    assertEquals(60000, v.rgid(), "gid not set explicitly: still resolved");
    assertTrue(new ContainerIdentity("c", e).explicitOnly().isEmpty());
  }

  @Test
  void explicitUidAndGidNeedNoProcess() {
    ExplicitIdentity e = ExplicitIdentity.of(Map.of(), Optional.of("UID=1\nGID=2"));
    VirtualIds v = new ContainerIdentity("c", e).explicitOnly().orElseThrow();
    assertEquals(1, v.suid());
    assertEquals(2, v.sgid());
    assertArrayEquals(new long[] {2}, v.groups(), "groups default to the explicit gid");
  }

  @Test
  void aCollisionIsAnsweredWithTheLowestDeclaredId() {
    ImageDeclarations both = image("site:x:60000:60000::/:/bin/sh\nother:x:1428:1428::/:/bin/sh\n", "");
    VirtualIds v = new ContainerIdentity("c", ExplicitIdentity.NONE).resolve(task(1633, 5), both);
    assertEquals(1428, v.ruid());
    assertEquals(5, v.rgid(), "undeclared: the kernel id");
  }

  @Test
  void nothingDeclaredMeansTheKernelIdAndPinnedIdsStayPinned() {
    ImageDeclarations none = ImageDeclarations.none(MAP, MAP);
    VirtualIds v = new ContainerIdentity("c", ExplicitIdentity.NONE).resolve(task(1633, 2000), none);
    assertEquals(1633, v.ruid());
    assertEquals(65534, v.rgid(), "host 2000 is the pinned 65534");
  }

  @Test
  void statusIdsAreParsedAndTranslatedIntoTheThreadsNamespace() {
    TaskIds t = TaskIds.parseStatus("Name:\tsh\nUid:\t101632\t101632\t101632\t101632\n"
        + "Gid:\t1001\t1001\t1001\t1001\nGroups:\t101632 5 \n");
    assertEquals(101632, t.ruid());
    assertArrayEquals(new long[] {101632, 5}, t.groups());
    UserNamespaceMap map = UserNamespaceMap.parse("0 1001 1\n1 100000 2000\n");
    TaskIds local = t.toNamespace(map, map);
    assertEquals(1633, local.ruid());
    assertEquals(0, local.rgid());
    assertArrayEquals(new long[] {1633, 65534}, local.groups(), "unmapped ids read as the overflow id");
  }
}
