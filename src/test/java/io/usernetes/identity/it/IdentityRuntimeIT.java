package io.usernetes.identity.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * identity-runtime under rootless podman as the user with 2,001 subordinate ids: each container
 * gets a user namespace of its own whose sparse map gives the ids its image declares their pool
 * ids, so the kernel itself shows, checks and stores true ids — no supervisor involved.
 */
class IdentityRuntimeIT {
  private static final List<String> APPLETS = List.of("stat", "touch", "chown", "find", "sort", "ls", "[", "echo",
      "su", "grep");

  @TempDir Path dir;

  @Test
  void aRootlessContainerSeesAndChownsToItsImagesTrueIds() throws Exception {
    try (HpcUser user = HpcUser.create(dir, "force_mask = \"shared\"\n")) {
      Path rootfs = OciBundles.rootfs(dir.resolve("image"));
      for (String applet : APPLETS) {
        Files.createSymbolicLink(rootfs.resolve("bin").resolve(applet), Path.of("busybox"));
      }
      SiteUsers.declare(rootfs);
      // git, with its libraries: it refuses a repository its user does not own ("dubious ownership")
      Sh.ok("for f in /usr/bin/git $(ldd /usr/bin/git | grep -o '/[^ ]*'); do mkdir -p " + rootfs + "$(dirname $f)"
          + "; cp -L $f " + rootfs + "$f; done");
      Sh.ok("cd " + rootfs + "; mkdir -p home/alice home/bob srv/svc; echo hi > home/alice/data; chown -R 60000:60000 home/alice\n"
          + "echo hi > home/bob/own; chown -R 1428:1428 home/bob; chmod 0644 home/alice/data home/bob/own\n"
          + "chown -R 1000:1000 srv/svc; tar --numeric-owner -C " + rootfs + " -cf " + dir + "/image.tar .\n"
          + "chmod a+r " + dir + "/image.tar");
      user.ok("podman import -q " + dir + "/image.tar localhost/ids >/dev/null");
      // and through podman load, as a saved image comes: what follows runs on the loaded one
      user.ok("podman save -q -o " + user.runtime + "/saved.tar localhost/ids && podman rmi -f localhost/ids >/dev/null"
          + " && podman load -q -i " + user.runtime + "/saved.tar >/dev/null");
      // identity-runtime's resident service, where the launcher looks for it: the creates below
      // cost a round trip instead of a JVM start each
      Path serviceLog = user.runtime.resolve("identity-runtime.log");
      Process service = new ProcessBuilder(user.command("USERNETES_IDENTITY_LOG_FILE=" + serviceLog
          + " exec podman unshare " + user.bin("identity-runtime") + " serve")).redirectErrorStream(true)
          .redirectOutput(dir.resolve("service.out").toFile()).start();
      Path socket = user.runtime.resolve("usernetes-identity/runtime.sock");
      Await.until("identity-runtime serve listens on " + socket, Duration.ofSeconds(60),
          () -> Files.exists(socket) || !service.isAlive());
      assertTrue(service.isAlive(), Files.readString(dir.resolve("service.out")));
      String runtime = "podman --runtime " + user.bin("identity-runtime") + " run ";
      assertEquals("60000\n60000:60000\nowner\nchowned 60000:60000\n/home/alice\n/home/alice/data\n/home/alice/f\n"
          + "git: clean\n",
          user.ok(runtime + "--name alice --user alice localhost/ids sh -c '"
              + "id -u; stat -c %u:%g /home/alice/data; [ -O /home/alice/data ] && echo owner\n"
              + "touch /home/alice/f && chown 60000:60000 /home/alice/f && echo chowned $(stat -c %u:%g /home/alice/f)\n"
              + "find /home -user 60000 | sort; ln -s data /home/alice/link\n"
              + "git init -q /home/alice/repo 2>/dev/null && cd /home/alice/repo && git -c user.name=alice -c user.email=a@site"
              + " commit -q --allow-empty -m first && git status --porcelain && echo git: clean'"));
      // on disk the pool id, and the record names alice although bob (1428) shares 1633: the
      // mount read it from her own namespace
      Path upper = Path.of(user.ok("podman inspect --format '{{.GraphDriver.Data.UpperDir}}' alice").strip());
      Path made = upper.resolve("home/alice/f");
      assertEquals("1633:1633:0644:file", Sh.ok("getfattr --only-values -n user.containers.override_stat " + made));
      assertEquals("60000", Sh.ok("getfattr --only-values -n user.usernetes.uid " + made));
      // identity-map from outside the user's namespace (as root and as the user, through the
      // namespace podman makes for it) and from inside it: the override's owner, and a symlink
      // owned by 201632 on the host, 1633 in the namespace, with its record
      String stat = user.bin("identity-map") + " stat --json ";
      String outside = stat + "--rootless-user " + HpcUser.NAME + " " + made + " " + upper.resolve("home/alice/link");
      for (String verdict : List.of(Sh.ok("env -i " + outside), user.ok(outside),
          user.ok("podman unshare " + stat + made + " " + upper.resolve("home/alice/link")))) {
        for (JsonNode file : new ObjectMapper().readTree(verdict)) {
          assertEquals("ok", file.get("uid").get("status").asText(), verdict);
          assertEquals(60000, file.get("uid").get("container").asLong(), verdict);
        }
      }
      // identity-map tree over the whole layer, in the same three places: no bad record, and
      // alice's files (hers from the image, the ones she made, her git repository) counted as hers
      String tree = user.bin("identity-map") + " tree -q --json ";
      String treeOutside = tree + "--rootless-user " + HpcUser.NAME + " " + upper;
      for (String census : List.of(Sh.ok("env -i " + treeOutside), user.ok(treeOutside),
          user.ok("podman unshare " + tree + upper))) {
        JsonNode doc = new ObjectMapper().readTree(census);
        assertEquals(0, doc.get("problems").size(), census);
        assertTrue(doc.get("filesPerUid").path("60000").asLong() >= 10, census);
      }
      // and on the host only the user's own ids: backing files are the storage user's, the
      // overrides name pool ids (what the rootless namespace holds), the records the true ids
      assertEquals("", Sh.ok("python3 - " + upper + " $(id -u " + HpcUser.NAME + ") <<'PY'\n"
          + "import os, sys\n"
          + "for d, dirs, names in os.walk(sys.argv[1]):\n"
          + "    for p in [d] + [os.path.join(d, n) for n in dirs + names]:\n"
          + "        st = os.lstat(p)\n"
          + "        if st.st_uid not in (int(sys.argv[2]), *range(200000, 202001)): print(p, st.st_uid)\n"
          + "        try: o = os.getxattr(p, 'user.containers.override_stat', follow_symlinks=False).decode()\n"
          + "        except OSError: continue\n"
          + "        if max(int(i) for i in o.split(':')[:2]) > 2001: print(p, o)\n"
          + "PY"));
      // podman commit reads the container through the mount (NaiveDiff): the new image's files
      // are alice's as before
      user.ok("podman commit -q alice localhost/ids2 >/dev/null");
      assertEquals("60000:60000 /home/alice/data\n60000:60000 /home/alice/f\ngit: clean\n", user.ok(runtime
          + "--rm --user alice localhost/ids2 sh -c 'stat -c \"%u:%g %n\" /home/alice/data /home/alice/f\n"
          + "git -C /home/alice/repo status --porcelain && echo git: clean'"));
      // bob (1428, on alice's hash) is another user to git
      assertEquals("dubious ownership\n", user.ok(runtime + "--rm --user bob localhost/ids2 sh -c '"
          + "git -C /home/alice/repo status 2>&1 | grep -o \"dubious ownership\"'"));
      user.ok("podman rm alice >/dev/null");
      // alice (60000) and bob (1428) share pool id 1633; in the container alice is on 1634 (the
      // mount reports her files there, the namespace maps her there) and each is a user of its own
      assertEquals("1428 1428:1428\nbob owns his\nbob cannot write alices\n"
          + "60000 60000:60000\nalice owns hers\nalice cannot write bobs\n"
          + "1000 1000:1000\nsvc cannot write alices\n"
          + "60000:60000 /home/alice/data\n1428:1428 /home/bob/new\n1428:1428 /home/bob/own\n",
          user.ok(runtime + "--rm --user 0 localhost/ids sh -c '"
              + "su bob -c \"echo \\$(id -u) \\$(echo b > /home/bob/new; stat -c %u:%g /home/bob/new)\n"
              + "  [ -O /home/bob/own ] && echo bob owns his; echo x 2>/dev/null >> /home/alice/data || echo bob cannot write alices\"\n"
              + "su alice -c \"echo \\$(id -u) \\$(stat -c %u:%g /home/alice/data)\n"
              + "  [ -O /home/alice/data ] && echo alice owns hers; echo x 2>/dev/null >> /home/bob/own || echo alice cannot write bobs\"\n"
              + "su svc -c \"echo \\$(id -u) \\$(stat -c %u:%g /srv/svc)\n"
              + "  echo x 2>/dev/null >> /home/alice/data || echo svc cannot write alices\"\n"
              + "stat -c \"%u:%g %n\" /home/alice/data /home/bob/new /home/bob/own'"));
      assertEquals("60000 60000:60000\n", user.ok(runtime + "--rm --user 60000 localhost/ids sh -c '"
          + "echo $(id -u) $(stat -c %u:%g /home/alice/data)'"), "the numeric user is alice too");
      // every create went through the service; killed, it leaves a stale socket, and the
      // launcher starts the JVM itself again
      long served = Files.readAllLines(serviceLog).stream().filter(l -> l.matches(".* pid \\d+: create .* -> exit 0(, .*)?")).count();
      String log = Files.readString(serviceLog);
      assertTrue(served >= 4, () -> served + " creates served:\n" + log);
      String pid = Files.readAllLines(serviceLog).stream().filter(l -> l.contains(" serving "))
          .map(l -> l.replaceAll(".*\\(pid (\\d+)\\)$", "$1")).findFirst().orElseThrow();
      Sh.ok("kill -9 " + pid);
      Await.until("the service is gone", Duration.ofSeconds(10), () -> !Files.exists(Path.of("/proc/" + pid)));
      assertEquals("1000:1000\n", user.ok(runtime + "--rm --user svc localhost/ids sh -c '"
          + "echo x > /srv/svc/new && stat -c %u:%g /srv/svc/new'"), "svc writes its own image files");
      service.destroyForcibly();
    }
  }
}
