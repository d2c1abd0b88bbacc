package io.usernetes.identity.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The bundle's rootfs as containerd's overlayfs snapshotter mounts it, read from mountinfo text. */
class KernelOverlayRootTest {
  private static final String ROOTFS = "/run/x/rootfs";
  private static final String BEFORE = "22 1 252:1 / / rw,relatime shared:1 - ext4 /dev/vda1 rw\n"
      + "93 22 0:26 / /run rw,nosuid,nodev shared:5 - tmpfs tmpfs rw,size=812344k,mode=755\n";
  private static final String OVERLAY = "118 93 0:41 / /run/x/rootfs rw,relatime - overlay overlay "
      + "rw,lowerdir=/s/2/fs:/s/1/fs,upperdir=/s/3/fs,workdir=/s/3/work,userxattr\n";
  private static final String PROC = "119 118 0:42 / /run/x/rootfs/proc rw,nosuid,nodev,noexec - proc proc rw\n";

  private static Optional<KernelOverlayRoot> find(String mountinfo) {
    return KernelOverlayRoot.find(mountinfo, ROOTFS);
  }

  private static String overlay(String mountPoint, String superOptions) {
    return "120 93 0:43 / " + mountPoint + " rw,relatime shared:60 - overlay overlay " + superOptions + "\n";
  }

  @Test
  void aWritableOverlayGivesItsThreeDirectories() {
    KernelOverlayRoot root = find(BEFORE + OVERLAY + PROC).orElseThrow();
    assertEquals("/s/2/fs:/s/1/fs", root.lowerdir());
    assertEquals(Optional.of("/s/3/fs"), root.upperdir());
    assertEquals(Optional.of("/s/3/work"), root.workdir());
  }

  @Test
  void theMountOptionsAreTheLayersAlone() {
    assertEquals("lowerdir=/s/2/fs:/s/1/fs,upperdir=/s/3/fs,workdir=/s/3/work",
        find(BEFORE + OVERLAY).orElseThrow().mountOptions());
  }

  @Test
  void aReadOnlyOverlayHasLowerDirectoriesOnly() {
    KernelOverlayRoot root = find(BEFORE + overlay(ROOTFS, "ro,lowerdir=/s/2/fs:/s/1/fs")).orElseThrow();
    assertEquals("/s/2/fs:/s/1/fs", root.lowerdir());
    assertEquals(Optional.empty(), root.upperdir());
    assertEquals(Optional.empty(), root.workdir());
    assertEquals("lowerdir=/s/2/fs:/s/1/fs", root.mountOptions());
  }

  @Test
  void octalEscapesInTheMountPointAndTheDirectoriesAreUndone() {
    String mountinfo = overlay("/run/my\\040box/rootfs",
        "rw,lowerdir=/s/my\\040layer/fs,upperdir=/s/3/fs\\011tab,workdir=/s/3/work");
    KernelOverlayRoot root = KernelOverlayRoot.find(mountinfo, "/run/my box/rootfs").orElseThrow();
    assertEquals("/s/my layer/fs", root.lowerdir());
    assertEquals(Optional.of("/s/3/fs\ttab"), root.upperdir());
    assertTrue(KernelOverlayRoot.find(mountinfo, "/run/my\\040box/rootfs").isEmpty());
  }

  @Test
  void anEscapedColonInALowerDirectoryStaysEscaped() {
    // the kernel shows lowerdir as it was given (\: for a colon inside a path), the backslash as \134
    KernelOverlayRoot root = find(overlay(ROOTFS, "ro,lowerdir=/s/a\\134:b/fs:/s/1/fs")).orElseThrow();
    assertEquals("/s/a\\:b/fs:/s/1/fs", root.lowerdir());
  }

  @Test
  void aCommaInsideADirectoryIsRefused() {
    // the mount program's -o would end the value at the comma
    assertTrue(find(overlay(ROOTFS, "rw,lowerdir=/s/a\\054b/fs,upperdir=/s/3/fs,workdir=/s/3/work")).isEmpty());
    assertTrue(find(overlay(ROOTFS, "rw,lowerdir=/s/2/fs,upperdir=/s/3\\054x/fs,workdir=/s/3/work")).isEmpty());
    assertTrue(find(overlay(ROOTFS, "rw,lowerdir=/s/2/fs,upperdir=/s/3/fs,workdir=/s/3/w\\054rk")).isEmpty());
  }

  @Test
  void relativeDirectoriesAreRefused() {
    // mountinfo shows them as the mounter gave them, relative to its working directory, not ours
    assertTrue(find(overlay(ROOTFS, "rw,lowerdir=lower,upperdir=/s/3/fs,workdir=/s/3/work")).isEmpty());
    assertTrue(find(overlay(ROOTFS, "rw,lowerdir=/s/2/fs:lower,upperdir=/s/3/fs,workdir=/s/3/work")).isEmpty());
    assertTrue(find(overlay(ROOTFS, "rw,lowerdir=/s/2/fs,upperdir=upper,workdir=/s/3/work")).isEmpty());
    assertTrue(find(overlay(ROOTFS, "rw,lowerdir=/s/2/fs,upperdir=/s/3/fs,workdir=work")).isEmpty());
  }

  @Test
  void anUpperDirectoryWithoutAWorkDirectoryIsRefused() {
    assertTrue(find(overlay(ROOTFS, "rw,lowerdir=/s/2/fs,upperdir=/s/3/fs")).isEmpty());
    assertTrue(find(overlay(ROOTFS, "rw,lowerdir=/s/2/fs,workdir=/s/3/work")).isEmpty());
    assertTrue(find(overlay(ROOTFS, "rw,upperdir=/s/3/fs,workdir=/s/3/work")).isEmpty());
  }

  @Test
  void aMountThatIsNoOverlayGivesNothing() {
    assertTrue(find(BEFORE + "118 93 0:41 / /run/x/rootfs rw - tmpfs tmpfs rw,lowerdir=/s/1/fs\n").isEmpty());
    assertTrue(find(BEFORE + "118 93 0:41 / /run/x/rootfs rw - fuse.fuse-overlayfs fuse-overlayfs "
        + "rw,lowerdir=/s/1/fs\n").isEmpty());
  }

  @Test
  void theTopmostOfStackedMountsDecides() {
    String tmpfs = "121 118 0:44 / /run/x/rootfs rw - tmpfs tmpfs rw\n";
    assertTrue(find(BEFORE + OVERLAY + tmpfs).isEmpty());
    assertEquals("/s/9/fs", find(BEFORE + tmpfs + overlay(ROOTFS, "ro,lowerdir=/s/9/fs")).orElseThrow().lowerdir());
    assertEquals("/s/9/fs", find(OVERLAY + overlay(ROOTFS, "ro,lowerdir=/s/9/fs")).orElseThrow().lowerdir());
  }

  @Test
  void aMountAtAnotherPathGivesNothing() {
    assertTrue(find(BEFORE + overlay("/run/y/rootfs", "rw,lowerdir=/s/1/fs")).isEmpty());
    assertTrue(find(BEFORE + PROC).isEmpty());
    assertTrue(find(BEFORE + overlay("/run/x/rootfs/", "rw,lowerdir=/s/1/fs")).isEmpty());
    assertTrue(find("").isEmpty());
  }

  @Test
  void optionalFieldsBeforeTheSeparatorAreSkipped() {
    String line = "118 93 0:41 / /run/x/rootfs rw,relatime shared:60 master:7 propagate_from:2 unbindable - "
        + "overlay overlay rw,lowerdir=/s/1/fs\n";
    assertEquals("/s/1/fs", find(line).orElseThrow().lowerdir());
  }

  @Test
  void aMalformedLineIsSkipped() {
    assertTrue(find("118 93 0:41 / /run/x/rootfs rw - overlay\n").isEmpty());
    assertEquals("/s/1/fs", find("garbage\n118 93 - overlay\n" + overlay(ROOTFS, "ro,lowerdir=/s/1/fs"))
        .orElseThrow().lowerdir());
  }
}
