package io.usernetes.identity.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.usernetes.identity.runtime.RootfsRemount;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What identity-runtime does with a kernel-overlay root, driven directly (ContainerdRootlessIT
 * drives it through containerd as the 2,001-id user): the overlay is unmounted and the mount
 * program called with its layers; a mount program that fails is reported with its own first line.
 */
class RootfsRemountIT {
  @TempDir Path dir;

  @Test
  void aFailingMountProgramIsReportedWithItsReasonAndWhatItWasGiven() throws Exception {
    Path real = dir.toRealPath();
    Sh.ok("cd " + real + " && mkdir lower upper work rootfs && mount -t overlay overlay"
        + " -o lowerdir=" + real + "/lower,upperdir=" + real + "/upper,workdir=" + real + "/work rootfs");
    try {
      Path program = dir.resolve("mount-program");
      Files.writeString(program, "#!/bin/sh\necho \"$@\" > " + dir.resolve("args")
          + "\necho 'cannot mount: no /dev/fuse' >&2\necho 'second line' >&2\nexit 3\n");
      Sh.ok("chmod 0755 " + program);
      IOException e = assertThrows(IOException.class,
          () -> RootfsRemount.apply(dir.resolve("rootfs"), Optional.of(program)));
      assertTrue(e.getMessage().endsWith("(exit 3): cannot mount: no /dev/fuse"), e.getMessage());
      assertEquals("-o lowerdir=" + real + "/lower,upperdir=" + real + "/upper,workdir=" + real + "/work "
          + real + "/rootfs\n", Files.readString(dir.resolve("args")));
      assertEquals("", Sh.ok("grep ' " + real + "/rootfs ' /proc/self/mountinfo || true"),
          "the kernel overlay was unmounted first");
    } finally {
      Sh.exec(java.util.List.of("umount", dir.resolve("rootfs").toString()));
    }
  }

  @Test
  void aRootThatIsNoOverlayIsLeftAlone() throws Exception {
    Files.createDirectories(dir.resolve("rootfs"));
    assertEquals(Optional.empty(), RootfsRemount.apply(dir.resolve("rootfs"), Optional.of(Path.of("/bin/false"))));
  }
}
