package io.usernetes.identity.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The mount program under rootless podman as a user with 2,001 subordinate ids, with the storage
 * containers-storage makes for such a user: {@code force_mask}, which keeps every backing file
 * the user's and the real owner in {@code user.containers.override_stat}, and passes
 * {@code xattr_permissions=2} to the mount.
 */
class OverlayRootlessIT {
  @TempDir Path dir;

  @Test
  void aForceMaskStoreKeepsOwnersInOverridesAndTheTrueIdInTheRecord() throws Exception {
    try (HpcUser user = HpcUser.create(dir, "force_mask = \"shared\"\n")) {
      Path rootfs = OciBundles.rootfs(dir.resolve("image"));
      Files.writeString(rootfs.resolve("etc/passwd"),
          "root:x:0:0::/root:/bin/sh\nalice:x:60000:60000::/home/alice:/bin/sh\n");
      Files.writeString(rootfs.resolve("etc/group"), "root:x:0:\nalice:x:60000:\n");
      // alice's home: ids a 2,002-id namespace cannot hold, kept by containers-storage in overrides
      importImage(user, rootfs, "mkdir -p home/alice; echo hi > home/alice/data; chown -R 60000:60000 home/alice",
          "localhost/alice");
      String id = user.ok("podman create --user 0 localhost/alice sh -c '"
          + "cd /home/alice; touch new; chown 1633:1633 new; chmod 4750 new; ls -ln data new'").strip();
      String listing = user.ok("podman start -a " + id).replaceAll(" +", " ");
      assertEquals("-rw-r--r-- 1 1633 1633 3\n-rwsr-x--- 1 1633 1633 0\n",
          listing.replaceAll("(?m)^(\\S+ \\d+ \\d+ \\d+ \\d+) .*$", "$1"),
          "alice's files show as her pool id, the one id this namespace has for her");
      Path upper = Path.of(user.ok("podman inspect --format '{{.GraphDriver.Data.UpperDir}}' " + id).strip());
      Path made = upper.resolve("home/alice/new");
      String hpcUid = Sh.ok("id -u " + HpcUser.NAME).strip();
      assertEquals(hpcUid + " 744\n", Sh.ok("stat -c '%u %a' " + made),
          "the backing file stays the user's (0700 and the bits it was made with), never set-id");
      assertEquals("1633:1633:4750:file", Sh.ok("getfattr --only-values -n user.containers.override_stat " + made));
      assertEquals("60000", Sh.ok("getfattr --only-values -n user.usernetes.uid " + made),
          "the record keeps who 1633 is in this image");
      user.ok("podman rm " + id + " >/dev/null");
    }
  }

  /**
   * The kernel overlay's behaviours the comparison tests check as root hold in a rootless user's
   * container too: names of 255 bytes, a removed open file through its descriptor, a directory
   * of the upper layer alone replacing an empty one with lower content, the names of a hard-linked
   * file agreeing at once (links, inode, a chmod through the other name). (Trees deeper than
   * PATH_MAX are checked as root only: busybox's cd and rm name paths whole, which no kernel takes.)
   */
  @Test
  void theKernelOverlaysBehavioursHoldInARootlessContainer() throws Exception {
    try (HpcUser user = HpcUser.create(dir, "force_mask = \"shared\"\n")) {
      Path rootfs = OciBundles.rootfs(dir.resolve("image"));
      importImage(user, rootfs, "mkdir -p emptied; echo lower > emptied/f", "localhost/behaviours");
      String out = user.ok("podman run --rm --user 0 localhost/behaviours sh -c '"
          + "cd /tmp; n=$(printf %255s | tr \" \" n); touch $n && echo 255 made; touch ${n}m 2>/dev/null || echo 256 refused\n"
          + "echo data > f; exec 3<>f; rm f; chmod 600 /proc/self/fd/3; echo $(stat -L -c \"%h %a\" /proc/self/fd/3) $(cat <&3)\n"
          + "cd /; rm emptied/f; mkdir new; touch new/x; mv -T new emptied && echo replaced $(ls emptied)\n"
          + "cd /tmp; echo l > a; stat -c %h a >/dev/null; ln a b; chmod 600 b\n"
          + "[ $(stat -c %i a) = $(stat -c %i b) ] && echo linked $(stat -c \"%h %a\" a)\n"
          + "true'");
      assertEquals("255 made\n256 refused\n0 600 data\nreplaced x\nlinked 2 600\n", out);
    }
  }

  /**
   * With {@code mountopt = "redirect_dir=on"} in storage.conf, a rootless container renames an
   * image directory without copying it: the upper layer has the new name, carrying the redirect
   * in the {@code user.} namespace (an unprivileged user cannot write {@code trusted.} xattrs),
   * and a whiteout at the old one.
   */
  @Test
  void anImageDirectoryMovesWithARedirectInARootlessContainer() throws Exception {
    try (HpcUser user = HpcUser.create(dir, "force_mask = \"shared\"\nmountopt = \"redirect_dir=on\"\n")) {
      Path rootfs = OciBundles.rootfs(dir.resolve("image"));
      importImage(user, rootfs, "mkdir -p data/sub; echo kept > data/sub/f", "localhost/redirect");
      String id = user.ok("podman create --user 0 localhost/redirect sh -c '"
          + "mv /data /moved && cat /moved/sub/f && ls -d /data 2>/dev/null; true'").strip();
      assertEquals("kept\n", user.ok("podman start -a " + id));
      Path upper = Path.of(user.ok("podman inspect --format '{{.GraphDriver.Data.UpperDir}}' " + id).strip());
      assertEquals("data", Sh.ok("getfattr --only-values -n user.overlay.redirect " + upper.resolve("moved")),
          "the moved directory names where the image has it: its old name, as the kernel overlay"
          + " writes a move within one directory");
      assertEquals("", Sh.ok("ls -A " + upper.resolve("moved")), "nothing of it was copied");
      user.ok("podman rm " + id + " >/dev/null");
    }
  }

  /**
   * The 2,001-id user's running containers share one mount service, in the namespace rootless
   * podman runs the mount program in; killed, it fails those containers' file systems at once
   * (ENOTCONN inside, no wait), podman still removes them, and the next container starts a fresh
   * service, which ends with its last container.
   */
  @Test
  void aRootlessUsersContainersShareOneMountServiceWhoseDeathFailsThemAtOnce() throws Exception {
    try (HpcUser user = HpcUser.create(dir)) {
      Path rootfs = OciBundles.rootfs(dir.resolve("image"));
      importImage(user, rootfs, "echo hi > data", "localhost/served");
      user.ok("podman run -d --name one localhost/served sleep 600 >/dev/null; "
          + "podman run -d --name two localhost/served sleep 600 >/dev/null");
      List<String> services = services();
      assertEquals(1, services.size(), "one mount service for both containers: " + services);
      assertEquals("2\n", user.ok("podman unshare grep -c ' - fuse.usernetes-identity ' /proc/self/mountinfo"));
      assertEquals("hi\n", user.ok("podman exec one cat /data"));

      String merged = user.ok("podman inspect --format '{{.GraphDriver.Data.MergedDir}}' one").strip();
      Sh.ok("kill -9 " + services.get(0));
      Sh.Result dead = user.run("timeout 60 podman exec one cat /data");
      assertNotEquals(0, dead.status(), "the container's file system is gone (runc finds no cat in it)");
      assertNotEquals(124, dead.status(), "it fails, it does not hang");
      Sh.Result seen = user.run("timeout 60 podman unshare ls " + merged);
      assertTrue(seen.err().contains("Transport endpoint is not connected"), seen.err());
      user.ok("timeout 60 podman rm -f -t 0 one two >/dev/null");

      assertEquals("hi\n", user.ok("podman run --rm localhost/served cat /data"), "a fresh service");
      Await.until("the fresh service ends with its container", Duration.ofSeconds(20), () -> services().isEmpty());
    }
  }

  /** Runs {@code setup} in {@code rootfs}, then imports it as {@code image} for the user. */
  private void importImage(HpcUser user, Path rootfs, String setup, String image) throws Exception {
    Sh.ok("cd " + rootfs + "; " + setup + "\n"
        + "tar --numeric-owner -C " + rootfs + " -cf " + dir + "/image.tar . && chmod a+r " + dir + "/image.tar");
    user.ok("podman import -q " + dir + "/image.tar " + image + " >/dev/null");
  }

  private static List<String> services() throws Exception {
    Sh.Result r = Sh.exec(List.of("pgrep", "-u", HpcUser.NAME, "-f", OverlayMount.SERVICE));
    return r.out().lines().toList();
  }
}
