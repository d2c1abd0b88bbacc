package io.usernetes.identity.it;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The deployment the project exists for: a real rootless user, {@value #NAME}, with exactly 2,001
 * subordinate ids ({@code hpcuser:200000:2001}), rootless podman with the mount program as
 * {@code mount_program}, runc and no systemd (test-environment.md's recipe). Its launchers are
 * installed into a prefix it can read; {@link #close} removes the user, its files and processes,
 * and puts /etc/subuid, /etc/subgid and /dev/fuse back as they were.
 */
final class HpcUser implements AutoCloseable {
  static final String NAME = "hpcuser";
  static final String SUBIDS = NAME + ":200000:2001";

  final Path dir;
  final Path runtime;
  final Path prefix;
  private final String fuseMode;
  private final List<String> environment;

  private HpcUser(Path dir, String fuseMode, String overlayOptions) throws Exception {
    this.dir = dir;
    this.fuseMode = fuseMode;
    this.runtime = dir.resolve("run");
    this.prefix = dir.resolve("prefix");
    Path storage = dir.resolve("storage.conf");
    Path containers = dir.resolve("containers.conf");
    Files.writeString(storage, "[storage]\ndriver = \"overlay\"\nrunroot = \"" + runtime.resolve("containers")
        + "\"\ngraphroot = \"" + dir.resolve("storage") + "\"\nrootless_storage_path = \"" + dir.resolve("storage")
        + "\"\n[storage.options.overlay]\nmount_program = \"" + prefix.resolve("bin/usernetes-identity") + "\"\n"
        + overlayOptions);
    Files.writeString(containers, "[containers]\nnetns = \"none\"\n"
        + "default_ulimits = [\"nofile=20000:20000\", \"nproc=20000:20000\"]\n"
        + "[engine]\nruntime = \"runc\"\ncgroup_manager = \"cgroupfs\"\nevents_logger = \"file\"\n");
    environment = List.of("PATH=/usr/sbin:/usr/bin:/sbin:/bin", "HOME=/home/" + NAME,
        "XDG_RUNTIME_DIR=" + runtime, "CONTAINERS_STORAGE_CONF=" + storage, "CONTAINERS_CONF=" + containers);
  }

  /** Makes the user, with its files in {@code dir} (made world-searchable on the way to it). */
  static HpcUser create(Path dir) throws Exception {
    return create(dir, "");
  }

  /** Like {@link #create(Path)}, with more lines for storage.conf's [storage.options.overlay]. */
  static HpcUser create(Path dir, String overlayOptions) throws Exception {
    String fuseMode = Sh.ok("stat -c %a /dev/fuse").strip();
    Sh.ok("set -e; userdel -r -f " + NAME + " 2>/dev/null || true; useradd -m " + NAME + "\n"
        + "sed -i '/^" + NAME + ":/d' /etc/subuid /etc/subgid\n"
        + "echo " + SUBIDS + " >> /etc/subuid; echo " + SUBIDS + " >> /etc/subgid\n"
        + "chmod 0666 /dev/fuse; chmod a+x " + dir + "\n"
        + "mkdir -p " + dir + "/run " + dir + "/storage; chown " + NAME + ": " + dir + "/run " + dir + "/storage\n"
        + "chmod 0700 " + dir + "/run");
    HpcUser user = new HpcUser(dir, fuseMode, overlayOptions);
    Sh.Result installed = Installed.run(List.of(Installed.project().resolve("scripts/install").toString(),
        "--prefix", user.prefix.toString(), "--no-cds", "--jar",
        Installed.prefix().resolve("lib/usernetes-identity/usernetes-identity.jar").toString()),
        List.of());
    if (installed.status() != 0) {
      user.close();
      throw new IllegalStateException("scripts/install failed: " + installed.err());
    }
    Sh.ok("chmod -R a+rX " + user.prefix);
    return user;
  }

  /** The command line that runs {@code script} as the user, in the environment rootless podman needs. */
  List<String> command(String script) {
    List<String> argv = new ArrayList<>(List.of("runuser", "-u", NAME, "--", "env", "-i"));
    argv.addAll(environment);
    argv.addAll(List.of("sh", "-c", script));
    return argv;
  }

  Sh.Result run(String script) throws Exception {
    return Sh.exec(command(script));
  }

  String ok(String script) throws Exception {
    Sh.Result r = run(script);
    if (r.status() != 0) {
      throw new AssertionError("as " + NAME + ": " + script + "\nstatus " + r.status() + "\nstderr: " + r.err()
          + "\nstdout: " + r.out());
    }
    return r.out();
  }

  String bin(String program) {
    return prefix.resolve("bin").resolve(program).toString();
  }

  @Override
  public void close() throws Exception {
    Sh.exec(List.of("pkill", "-9", "-u", NAME));
    Await.until("every process of " + NAME + " gone", java.time.Duration.ofSeconds(20),
        () -> Sh.exec(List.of("pgrep", "-u", NAME)).status() != 0);
    Sh.exec(List.of("sh", "-c", "grep ' " + dir + "/' /proc/self/mountinfo | cut -d' ' -f5 | sort -r"
        + " | while read m; do umount -l \"$m\"; done"));
    Sh.ok("userdel -r -f " + NAME + " 2>/dev/null; sed -i '/^" + NAME + ":/d' /etc/subuid /etc/subgid; chmod "
        + fuseMode + " /dev/fuse; rm -rf " + dir + "/storage " + dir + "/run || true");
  }
}
