package io.usernetes.identity.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The supervisor of a rootless user with 2,001 subordinate ids, for rootless podman containers
 * whose root is the mount program's FUSE mount. Outside podman's user namespace it could not
 * read their image's account files (FUSE admits only its mount's namespace) nor write their
 * memory, and answered every call with the kernel id; so {@code serve} refuses to run there and
 * says where to run it, and inside ({@code podman unshare}) it answers with the image's ids.
 */
class SupervisorRootlessIT {
  @TempDir Path dir;

  @Test
  void servesRootlessPodmanFromInsidePodmansNamespaceAndRefusesOutside() throws Exception {
    try (HpcUser user = HpcUser.create(dir)) {
      Path socket = user.runtime.resolve("agent.sock");
      Sh.Result outside = user.run(user.bin("identity-supervisor") + " serve --socket " + socket);
      assertEquals(2, outside.status(), outside.out() + outside.err());
      assertTrue(outside.err().contains("podman unshare identity-supervisor serve"), outside.err());

      Path rootfs = OciBundles.rootfs(dir.resolve("image"));
      Sh.ok("tar -C " + rootfs + " -cf " + dir + "/image.tar . && chmod a+r " + dir + "/image.tar; chmod -R a+rX "
          + dir + "/image");
      Path profile = user.runtime.resolve("profile.json");
      ObjectMapper json = new ObjectMapper();
      ObjectNode seccomp = (ObjectNode) json.readTree(
          Installed.project().resolve("profiles/seccomp/identity-notify-moby.json").toFile());
      seccomp.put("listenerPath", socket.toString());
      Files.writeString(profile, json.writeValueAsString(seccomp));
      Sh.ok("chown " + HpcUser.NAME + " " + profile);
      user.ok("podman import -q " + dir + "/image.tar localhost/site >/dev/null");

      Process supervisor = new ProcessBuilder(user.command("USERNETES_IDENTITY_LOG_FILE=" + user.runtime.resolve("supervisor.log")
          + " exec podman unshare " + user.bin("identity-supervisor") + " serve --socket " + socket)).redirectErrorStream(true)
          .redirectOutput(dir.resolve("supervisor.out").toFile()).start();
      try {
        Await.until("the supervisor listens on " + socket, Duration.ofSeconds(60),
            () -> Files.exists(socket) || !supervisor.isAlive());
        assertTrue(supervisor.isAlive(), Files.readString(dir.resolve("supervisor.out")));
        // without identity-runtime the container lives in podman's namespace, which cannot hold
        // 60000: told 60000, it would see its files as 1633's; so it is told its kernel ids
        String id = user.ok("podman run --rm --user 1633:1633 --security-opt seccomp=" + profile
            + " localhost/site id");
        assertEquals("uid=1633(1633) gid=1633(1633) groups=1633(1633)", id.strip(), "id agrees with stat");
        Await.until("the supervisor says why", Duration.ofSeconds(10), () ->
            Files.readString(user.runtime.resolve("supervisor.log")).contains("cannot hold"));
        assertEquals("usernetes-identity\n", user.ok("podman run --rm localhost/site cat /proc/self/mounts"
            + " | sed -n 's|^\\([^ ]*\\) / .*|\\1|p'"), "the container's root is the mount program's");
        // with identity-runtime: the caller is in a user namespace of its own that holds the
        // image's ids, the supervisor reads its ids through its maps (the account files through
        // the FUSE root), and the answer agrees with what the kernel and stat say
        assertEquals("uid=60000(site) gid=60000(site) groups=60000(site)", user.ok("podman --runtime "
            + user.bin("identity-runtime") + " run --rm --user site --security-opt seccomp=" + profile
            + " localhost/site id").strip());
        // the wrapper hooks the container up itself where the supervisor-socket setting of the
        // user's config file says (conmon gives the runtime HOME, not the user's environment):
        // podman's own seccomp profile, with the id calls sent to the supervisor
        user.ok("mkdir -p ~/.config/usernetes-identity && echo 'supervisor-socket = \"" + socket
            + "\"' > ~/.config/usernetes-identity/config.toml");
        assertEquals("uid=60000(site) gid=60000(site) groups=60000(site)", user.ok("podman --runtime "
            + user.bin("identity-runtime") + " run --name hooked --user site localhost/site id").strip());
        String hooked = user.ok("podman inspect --format '{{.Id}}' hooked").strip();
        Await.until("the supervisor answered container " + hooked, Duration.ofSeconds(10), () ->
            Files.readString(user.runtime.resolve("supervisor.log")).matches(
                "(?s).*detach container=" + hooked + " [^\n]* answered=[1-9].*"));
        user.ok("podman rm hooked >/dev/null");
      } finally {
        supervisor.destroyForcibly();
      }
    }
  }
}
