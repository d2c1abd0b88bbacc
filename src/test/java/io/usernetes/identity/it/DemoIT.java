package io.usernetes.identity.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The README's first command: scripts/demo runs to the end and shows what it promises. */
class DemoIT {
  @Test
  void theDemoShowsBothViewsOfAMountTheTwoThousandIdNodeAProcessWithItsTrueIdsAndAConvertedImage() throws Exception {
    Sh.Result r = Sh.exec(List.of("env", "USERNETES_IDENTITY_JAR=" + System.getProperty("usernetes.jar"),
        Installed.project().resolve("scripts/demo").toString()));
    assertEquals(0, r.status(), r.err() + r.out());
    assertTrue(r.out().contains("60000 -> 1633 hashed into pool 1-1999"), r.out());
    assertTrue(r.out().matches("(?s).*60000:60000 merged/home/alice/results.txt\\s+1633:1633 upper/home/alice/results.txt.*"),
        r.out());
    assertTrue(r.out().contains("1633 merged/home/alice/results.txt"), "the forged record is ignored: " + r.out());
    assertTrue(r.out().contains("uid=60000 gid=60000"), r.out());
    // the 2,000-id node: host mode in the node's namespace, true ids in the container's sparse one
    // alice (60000) shares 1633 with bob (1428), who keeps it: in this container she is on 1634
    assertTrue(r.out().matches("(?s).*host mode\\)\n1634:1633 merged2/home/alice/results.txt\n.*"), r.out());
    assertTrue(r.out().contains("'merged2/home/alice/results.txt': Invalid argument"), r.out());
    assertTrue(r.out().matches("(?s).*uid_map.*\n\\s+1428\\s+1633\\s+1\n\\s+60000\\s+1634\\s+1\n.*"), r.out());
    assertTrue(r.out().contains("60000:60000 merged2/home/alice/results.txt\n"), r.out());
    assertTrue(r.out().contains("60000:60000 merged2/home/alice/new\n"), r.out());
    assertTrue(r.out().contains("1633:1633 upper2/home/alice/new\n"), "stored as the pool id: " + r.out());
    // the image converted for containerd: pool owners in its layer, the true ones in its records
    assertTrue(r.out().matches("(?s).*-rw-r--r-- 1633/1633 8 [^\n]* \\./home/alice/results\\.txt\n.*"), r.out());
    assertTrue(r.out().contains("./home/alice/results.txt SCHILY.xattr.user.usernetes.uid 60000\n"), r.out());
    assertTrue(r.out().matches("(?s).*\\./home/alice/\\.wh\\.\\.wh\\.usernetes/[0-9a-f]{32} "
        + "SCHILY\\.xattr\\.user\\.usernetes\\.entry 60000:60000\n.*"), "the symlink's record: " + r.out());
  }
}
