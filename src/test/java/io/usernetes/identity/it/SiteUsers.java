package io.usernetes.identity.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The users an HPC image declares in the rootless tests: root, a service account (svc, 1000), two
 * site users that share a pool id (bob 1428 and alice 60000: both hash to 1633) and nobody.
 */
final class SiteUsers {
  private SiteUsers() {}

  /** Writes them into {@code rootfs}'s /etc/passwd and /etc/group. */
  static void declare(Path rootfs) throws IOException {
    Files.writeString(rootfs.resolve("etc/passwd"), "root:x:0:0::/root:/bin/sh\nsvc:x:1000:1000::/srv:/bin/sh\n"
        + "bob:x:1428:1428::/home/bob:/bin/sh\nalice:x:60000:60000::/home/alice:/bin/sh\n"
        + "nobody:x:65534:65534::/:/bin/false\n");
    Files.writeString(rootfs.resolve("etc/group"), "root:x:0:\nsvc:x:1000:\nbob:x:1428:\nalice:x:60000:\n"
        + "nogroup:x:65534:\n");
  }
}
