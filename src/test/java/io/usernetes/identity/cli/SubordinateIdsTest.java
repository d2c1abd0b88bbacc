package io.usernetes.identity.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.usernetes.identity.ownership.LayerNamespace;
import io.usernetes.identity.ownership.Owner;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SubordinateIdsTest {
  @TempDir Path tmp;

  @Test
  void theNamespaceRootlessPodmanMakesForAUser() throws Exception {
    Path passwd = Files.writeString(tmp.resolve("passwd"), "root:x:0:0::/root:/bin/sh\nhpcuser:x:1001:1002::/home/hpcuser:/bin/sh\n");
    Path subuid = Files.writeString(tmp.resolve("subuid"), "other:100000:65536\nhpcuser:200000:2001\n");
    Path subgid = Files.writeString(tmp.resolve("subgid"), "1001:300000:2001\n");
    LayerNamespace ns = SubordinateIds.of("hpcuser", passwd, subuid, subgid);
    assertEquals(new Owner(1633, 1633), ns.ownerOf(201632, 301632));
    assertEquals(new Owner(0, 0), ns.ownerOf(1001, 1002), "the user is root there");
    assertEquals(new Owner(7, 7), ns.ownerOf(7, 7), "an id the namespace does not map stays as it is");
    assertEquals(new Owner(1633, 1633), SubordinateIds.of("1001", passwd, subuid, subgid).ownerOf(201632, 301632),
        "by uid too");
    UsageError missing = assertThrows(UsageError.class, () -> SubordinateIds.of("root", passwd, subuid, subgid));
    assertEquals("root has no subordinate ids in " + subuid, missing.getMessage());
  }
}
