package io.usernetes.identity.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Usernetes' case as the user with 2,001 subordinate ids: Debian's containerd (1.6, ctr) runs in
 * the user's 2,002-id namespace (podman unshare, as a Usernetes node container has it), with a
 * /run of its own for its shims. An image whose files belong to 60000, 1428, 1000 and 65534
 * unpacks once converted (identity-map convert-image), and identity-runtime as the runc binary
 * gives its containers their sparse namespaces and the usernetes-identity mount as their root;
 * the supervisor serves them through the Kubernetes profile. Two containerd instances with roots
 * of their own stand for two nodes.
 */
class ContainerdRootlessIT {
  private static final List<String> APPLETS = List.of("stat", "touch", "chown", "find", "sort", "ls");
  private static final Pattern UPPERDIR = Pattern.compile("upperdir=([^,\\s]+)");

  @TempDir Path dir;

  /** One containerd instance: its config, root, state and socket in {@code home}. */
  private record Node(HpcUser user, Path home, Process daemon) {
    static Node start(HpcUser user, Path home) throws Exception {
      Sh.ok("mkdir -p " + home + "/fifo && chown -R " + HpcUser.NAME + ": " + home);
      Path config = home.resolve("config.toml");
      Files.writeString(config, "version = 2\nroot = \"" + home.resolve("root") + "\"\nstate = \"" + home.resolve("state")
          + "\"\ndisabled_plugins = [\"io.containerd.grpc.v1.cri\"]\n[grpc]\n  address = \"" + home.resolve("ctd.sock")
          + "\"\n");
      // its own mount namespace with a /run of its own: shims put their sockets in /run/containerd
      Process daemon = new ProcessBuilder(user.command("exec podman unshare unshare -m --propagation private"
          + " sh -c 'mount -t tmpfs tmpfs /run && exec containerd --config " + config + "'"))
          .redirectErrorStream(true).redirectOutput(home.resolve("containerd.log").toFile()).start();
      Await.until("containerd serves " + home, Duration.ofSeconds(60),
          () -> Files.exists(home.resolve("ctd.sock")) || !daemon.isAlive());
      assertTrue(daemon.isAlive(), () -> read(home.resolve("containerd.log")));
      return new Node(user, home, daemon);
    }

    Sh.Result ctr(String args) throws Exception {
      return user.run("podman unshare ctr -a " + home.resolve("ctd.sock") + " " + args);
    }

    String ok(String args) throws Exception {
      Sh.Result r = ctr(args);
      assertEquals(0, r.status(), () -> "ctr " + args + "\n" + r.err() + r.out() + "\ncontainerd's log:\n"
          + read(home.resolve("containerd.log")));
      return r.out();
    }

    /** {@code ctr run} of a container kept after it ends; no cgroup (none is delegated here). */
    String run(String image, String id, String script) throws Exception {
      return run("", image, id, script);
    }

    String run(String options, String image, String id, String script) throws Exception {
      return ok("run --cgroup '' --cpu-shares 0 --fifo-dir " + home.resolve("fifo") + " --runc-binary "
          + user.bin("identity-runtime") + " " + options + " " + image + " " + id + " sh -c '" + script + "'");
    }

    /** The upper directory of container {@code id}'s snapshot, on the host. */
    Path upper(String id) throws Exception {
      Matcher m = UPPERDIR.matcher(ok("snapshots mounts /mnt " + id));
      assertTrue(m.find(), "no upperdir in the snapshot's mounts");
      return Path.of(m.group(1));
    }

    /** The unpacked image layer: the one snapshot holding /etc/passwd. */
    Path imageLayer() throws Exception {
      String found = Sh.ok("ls -d " + home + "/root/io.containerd.snapshotter.v1.overlayfs/snapshots/*/fs/etc/passwd");
      assertEquals(1, found.lines().count(), found);
      return Path.of(found.strip()).getParent().getParent();
    }
  }

  @Test
  void anImageOfTrueIdsUnpacksAndRunsThroughContainerdInTheNodesFewIds() throws Exception {
    try (HpcUser user = HpcUser.create(dir)) {
      Path root = OciBundles.rootfs(dir.resolve("image"));
      for (String applet : APPLETS) {
        Files.createSymbolicLink(root.resolve("bin").resolve(applet), Path.of("busybox"));
      }
      SiteUsers.declare(root);
      Sh.ok("cd " + root + "; mkdir -p home/alice home/bob srv/svc; echo hi > home/alice/data; ln -s data home/alice/link\n"
          + "chown -hR 60000:60000 home/alice; echo hi > home/bob/own; chown -R 1428:1428 home/bob\n"
          + "chown 1000:1000 srv/svc; echo x > srv/nobody; chown 65534:65534 srv/nobody; chmod 0644 home/*/* srv/nobody");
      // one layer, two images: run as alice, and as root
      Path layerTar = OciArchive.layer(root, dir.resolve("layer.tar"));
      Path source = OciArchive.write(layerTar, dir.resolve("ids.tar"), "localhost/ids:1", Optional.of("60000:60000"));
      Path sourceAsRoot = OciArchive.write(layerTar, dir.resolve("ids-root.tar"), "localhost/ids:root", Optional.empty());
      Path converted = dir.resolve("node-a-ids.tar");
      Path convertedAsRoot = dir.resolve("node-a-ids-root.tar");
      Sh.ok("install -d -o " + HpcUser.NAME + " " + dir.resolve("out"));
      user.ok(user.bin("identity-map") + " convert-image " + source + " " + dir.resolve("out/a.tar") + " && "
          + user.bin("identity-map") + " convert-image " + sourceAsRoot + " " + dir.resolve("out/a-root.tar"));
      Sh.ok("cp " + dir.resolve("out/a.tar") + " " + converted + "; cp " + dir.resolve("out/a-root.tar") + " "
          + convertedAsRoot);

      Node a = Node.start(user, dir.resolve("node-a"));
      // unconverted, containerd's own applier fails on the first owner beyond the node's ids
      Sh.Result raw = a.ctr("image import " + source);
      assertNotEquals(0, raw.status(), raw.out());
      assertTrue(raw.err().contains("failed to Lchown") && raw.err().contains("invalid argument"), raw.err());
      // containerd's own copy of the image, exported, converts to the same bytes: images a node
      // has (imported without unpacking, or pulled) can be converted there
      a.ok("image import --no-unpack " + source);
      Path exported = a.home().resolve("exported.tar");
      a.ok("image export " + exported + " localhost/ids:1");
      user.ok(user.bin("identity-map") + " convert-image " + exported + " " + dir.resolve("out/exported-pool.tar"));
      assertEquals("", Sh.ok("cmp " + converted + " " + dir.resolve("out/exported-pool.tar") + " && echo -n"));
      a.ok("image import " + converted);
      a.ok("image import " + convertedAsRoot);
      // the image's user 60000: the kernel says 60000 (the sparse namespace maps it to 1634, as
      // bob keeps 1633), and the mount shows her files there
      assertEquals("60000 60000\n60000:60000 60000:60000\nchowned 60000:60000\n"
          + "/home/alice\n/home/alice/data\n/home/alice/f\n/home/alice/link\n",
          a.run("localhost/ids:1-pool", "alice", "echo $(id -u) $(id -g)\n"
              + "echo $(stat -c %u:%g /home/alice/data) $(stat -c %u:%g /home/alice/link)\n"
              + "touch /home/alice/f && chown 60000:60000 /home/alice/f && echo chowned $(stat -c %u:%g /home/alice/f)\n"
              + "find /home -user 60000 | sort"));
      assertEquals("0\n1428:1428 1000:1000 65534:65534\nchowned 60000:60000\n",
          a.run("localhost/ids:root-pool", "root", "id -u\n"
              + "echo $(stat -c %u:%g /home/bob/own) $(stat -c %u:%g /srv/svc) $(stat -c %u:%g /srv/nobody)\n"
              + "touch /srv/made && chown 60000:60000 /srv/made && echo chowned $(stat -c %u:%g /srv/made)"));

      // a pod: its sandbox makes the network, IPC and UTS namespaces, and its containers join them
      // (as containerd's CRI makes them), each in a sparse user namespace of its own
      a.run("-d", "localhost/ids:root-pool", "sandbox", "while :; do busybox nc -l -p 8080 -e echo hello; done");
      String sandbox = a.ok("task ls").lines().filter(l -> l.startsWith("sandbox ")).map(l -> l.split("\\s+")[1])
          .findFirst().orElseThrow();
      String namespaces = user.ok("podman unshare sh -c 'for n in net ipc uts user; do readlink /proc/" + sandbox
          + "/ns/$n; done'");
      String joins = "--with-ns network:/proc/" + sandbox + "/ns/net --with-ns ipc:/proc/" + sandbox + "/ns/ipc"
          + " --with-ns uts:/proc/" + sandbox + "/ns/uts";
      List<String> inPod = a.run(joins, "localhost/ids:1-pool", "pod-alice", "for n in net ipc uts user; do"
          + " readlink /proc/self/ns/$n; done; busybox nc 127.0.0.1 8080 </dev/null; id -u").lines().toList();
      assertEquals(namespaces.lines().limit(3).toList(), inPod.subList(0, 3), "the pod's namespaces");
      assertNotEquals(namespaces.lines().skip(3).findFirst(), Optional.of(inPod.get(3)), "a user namespace of its own");
      assertEquals(List.of("hello", "60000"), inPod.subList(4, 6));
      // its root holds no capability over the pod's network, which another namespace owns
      assertEquals("nc: bind: Permission denied\nstatus 1\n", a.run(joins, "localhost/ids:root-pool", "pod-root",
          "busybox nc -l -p 80 2>&1; echo status $?"));
      // a shared process namespace cannot be had in a user namespace of one's own: refused, and
      // containerd shows why (identity-runtime's line in runc's JSON log)
      Sh.Result sharedPid = a.ctr("run --cgroup '' --cpu-shares 0 --fifo-dir " + a.home().resolve("fifo")
          + " --runc-binary " + user.bin("identity-runtime") + " " + joins + " --with-ns pid:/proc/" + sandbox
          + "/ns/pid localhost/ids:1-pool pod-pid id");
      assertNotEquals(0, sharedPid.status(), sharedPid.out());
      assertTrue(sharedPid.err().contains("identity-runtime: the container joins another PID namespace"),
          sharedPid.err());
      a.ok("task kill -s KILL sandbox");
      Await.until("the sandbox stopped", Duration.ofSeconds(20), () -> a.ok("task ls").contains("STOPPED"));
      a.ok("task rm sandbox");

      // the supervisor on the node, in its user namespace, fed through the Kubernetes profile
      // (profiles/seccomp/identity-notify.json, its listenerPath where this node's runc finds it)
      Path socket = a.home().resolve("agent.sock");
      Path supervisorLog = a.home().resolve("supervisor.log");
      ObjectNode profile = (ObjectNode) new ObjectMapper().readTree(
          Installed.project().resolve("profiles/seccomp/identity-notify.json").toFile());
      profile.put("listenerPath", socket.toString());
      Path profileFile = a.home().resolve("identity-notify.json");
      new ObjectMapper().writeValue(profileFile.toFile(), profile);
      Process supervisor = new ProcessBuilder(user.command("USERNETES_IDENTITY_LOG_FILE=" + supervisorLog
          + " exec podman unshare " + user.bin("identity-supervisor") + " serve --socket " + socket))
          .redirectErrorStream(true).redirectOutput(a.home().resolve("supervisor.out").toFile()).start();
      try {
        Await.until("the supervisor listens on " + socket, Duration.ofSeconds(60),
            () -> Files.exists(socket) || !supervisor.isAlive());
        assertTrue(supervisor.isAlive(), () -> read(a.home().resolve("supervisor.out")));
        assertEquals("uid=60000(alice) gid=60000(alice) groups=60000(alice)\n", a.run("--seccomp --seccomp-profile "
            + profileFile, "localhost/ids:1-pool", "supervised", "id"));
        Await.until("the supervisor answered the container", Duration.ofSeconds(10),
            () -> read(supervisorLog).matches("(?s).*detach container=supervised [^\n]* answered=[1-9].*"));
      } finally {
        supervisor.destroy();
      }

      // on disk: pool ids (the user's subordinate ids on the host), the records the true ids
      long hostUid = Long.parseLong(Sh.ok("id -u " + HpcUser.NAME).strip());
      for (Path file : List.of(a.upper("alice").resolve("home/alice/f"), a.upper("root").resolve("srv/made"))) {
        assertEquals((200000 + 1633 - 1) + ":" + (200000 + 1633 - 1), Sh.ok("stat -c %u:%g " + file).strip(), file.toString());
        assertEquals("60000", Sh.ok("getfattr --only-values -n user.usernetes.uid " + file));
      }
      Path layer = a.imageLayer();
      assertEquals("60000:60000", Sh.ok("getfattr --only-values -n user.usernetes.entry " + layer
          + "/home/alice/.wh..wh.usernetes/$(printf %s link | sha256sum | cut -c1-32)"));
      String owners = Sh.ok("find " + a.home() + "/root/io.containerd.snapshotter.v1.overlayfs/snapshots -printf '%U\\n%G\\n'"
          + " | sort -un");
      for (String owner : owners.split("\n")) {
        long id = Long.parseLong(owner);
        assertTrue(id == hostUid || (id >= 200000 && id <= 202000), "a host id outside the user's: " + id);
      }
      // identity-map accepts every record, in the layer and in both containers' upper directories
      for (Path tree : List.of(layer, a.upper("alice"), a.upper("root"))) {
        String census = user.ok("podman unshare " + user.bin("identity-map") + " tree -q --json " + tree);
        assertEquals(0, new ObjectMapper().readTree(census).get("problems").size(), census);
      }
      JsonNode census = new ObjectMapper().readTree(user.ok("podman unshare " + user.bin("identity-map")
          + " tree -q --json --passwd " + layer + "/etc/passwd --group " + layer + "/etc/group " + layer));
      assertEquals(3, census.get("filesPerUid").path("60000").asLong(), census.toString());

      // a second node: its own conversion gives the same bytes (the hash is all the nodes share),
      // its unpacked layer the same owners and records, its container the same true ids
      Node b = Node.start(user, dir.resolve("node-b"));
      // identity-runtime's resident service beside this node's containerd, in its mount namespace
      // (profiles/usernetes/identity-runtime.service): it serves the create, mount included
      String containerd = Sh.ok("pgrep -u " + HpcUser.NAME + " -f 'containerd --config " + b.home() + "/config.toml'")
          .lines().reduce((first, second) -> second).orElseThrow();
      Path runtimeLog = b.home().resolve("identity-runtime.log");
      Process runtimeService = new ProcessBuilder(user.command("USERNETES_IDENTITY_LOG_FILE=" + runtimeLog
          + " exec podman unshare nsenter -t " + containerd + " -m " + user.bin("identity-runtime") + " serve"))
          .redirectErrorStream(true).redirectOutput(b.home().resolve("identity-runtime.out").toFile()).start();
      Path runtimeSocket = user.runtime.resolve("usernetes-identity/runtime.sock");
      Await.until("identity-runtime serve listens", Duration.ofSeconds(60),
          () -> Files.exists(runtimeSocket) || !runtimeService.isAlive());
      assertTrue(runtimeService.isAlive(), () -> read(b.home().resolve("identity-runtime.out")));
      user.ok(user.bin("identity-map") + " convert-image " + source + " " + dir.resolve("out/b.tar"));
      assertEquals("", Sh.ok("cmp " + converted + " " + dir.resolve("out/b.tar") + " && echo -n"));
      b.ok("image import " + dir.resolve("out/b.tar"));
      assertEquals(listing(layer), listing(b.imageLayer()));
      assertEquals("60000:60000 1428:1428\n", b.run("localhost/ids:1-pool", "alice",
          "echo $(stat -c %u:%g /home/alice/data) $(stat -c %u:%g /home/bob/own)"));
      assertTrue(read(runtimeLog).matches("(?s).* create --bundle \\S+/alice [^\n]*-> exit 0.*"),
          () -> "the create was served:\n" + read(runtimeLog));
      runtimeService.destroy();

      for (Node n : List.of(a, b)) {
        n.ok("containers ls -q | xargs -r podman unshare ctr -a " + n.home().resolve("ctd.sock") + " containers rm");
      }
      // the shims unmounted the roots at delete: every mount program ended with its mounts
      Await.until("no mount program of " + HpcUser.NAME + " left", Duration.ofSeconds(40),
          () -> Sh.exec(List.of("pgrep", "-u", HpcUser.NAME, "-f", "MountServiceMain|MountMain")).status() != 0);
      a.daemon().destroy();
      b.daemon().destroy();
    }
  }

  /** Every entry of a layer with its host owner and records, in a stable order. */
  private static String listing(Path layer) throws Exception {
    return Sh.ok("cd " + layer + " && find . -printf '%p %U:%G %m\\n' | sort && find . | sort"
        + " | while read -r f; do getfattr -h -d -m '^user\\.usernetes' \"$f\" 2>/dev/null; done");
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (java.io.IOException e) {
      return "(" + e.getMessage() + ")";
    }
  }
}
