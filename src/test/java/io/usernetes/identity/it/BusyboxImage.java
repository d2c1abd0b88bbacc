package io.usernetes.identity.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A minimal image root without a registry: busybox-static plus the applets the tests use, and an
 * /etc/passwd and /etc/group that declare the site user 60000 (test-environment.md's recipe).
 */
public final class BusyboxImage {
  private static final List<String> APPLETS = List.of("sh", "ls", "stat", "touch", "chown", "chgrp",
      "id", "cat", "echo", "sleep", "mkdir", "rm", "ln", "mv", "true");

  private BusyboxImage() {}

  public static Path create(Path root) throws IOException {
    Files.createDirectories(root.resolve("bin"));
    Files.createDirectories(root.resolve("etc"));
    Files.copy(Path.of("/bin/busybox"), root.resolve("bin/busybox"));
    for (String applet : APPLETS) {
      Files.createSymbolicLink(root.resolve("bin").resolve(applet), Path.of("busybox"));
    }
    Files.writeString(root.resolve("etc/passwd"),
        "root:x:0:0:root:/root:/bin/sh\nsite:x:60000:60000:site user:/:/bin/sh\n");
    Files.writeString(root.resolve("etc/group"), "root:x:0:\nsite:x:60000:\n");
    return root;
  }
}
