package io.usernetes.identity.it;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;

/**
 * What the supervisor's runc tests share: a test directory under target/, a busybox rootfs that
 * declares the site user, a runc state root, and one {@code identity-supervisor serve}, stopped
 * after the class.
 */
abstract class RuncSupervisorTest {
  static Path dir;
  static Path rootfs;
  static Runc runc;
  static RunningSupervisor supervisor;

  /** Sets everything up; {@code serveArgs} go to {@code serve} after its socket. */
  static void startAll(String prefix, String... serveArgs) throws Exception {
    dir = Files.createTempDirectory(Installed.project().resolve("target"), prefix);
    rootfs = OciBundles.rootfs(dir);
    runc = new Runc(dir.resolve("runc"));
    supervisor = RunningSupervisor.start(dir, serveArgs);
  }

  @AfterAll
  static void stopSupervisor() throws Exception {
    if (supervisor != null) {
      supervisor.close();
      supervisor = null;
    }
  }
}
