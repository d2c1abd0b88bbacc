package io.usernetes.identity.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A thread whose ids change after it first asked for them gets fresh answers: the supervisor
 * caches answers per thread (a pidfd's credentials) and user-namespace maps per namespace, and
 * both must notice setresuid, unshare(CLONE_NEWUSER), and a uid_map written after the first
 * question. {@code src/test/native/credential-changes.c} asks twice at each stage (the second
 * answer is the cached one) through the fast path (getuid, geteuid) and the /proc path
 * (getresuid). Under {@code identity-supervisor run}, whose image is the host's root; the map
 * pins container ids 100000-100099 to kernel ids 3000-3099 so that answers differ from kernel ids.
 */
class SupervisorCredentialChangesIT {
  static final String MAP = "0:0:1,1:1:1999,65534:2000:2,100000:3000:100";

  @Test
  void idsAndUserNamespacesChangedAfterAFirstAnswerAreAnsweredAfresh() throws Exception {
    Sh.Result r = Installed.run(List.of(Installed.bin("identity-supervisor").toString(), "run", "--",
        TestPrograms.build("credential-changes").toString(), "3005"),
        List.of("USERNETES_IDENTITY_UID_MAP=" + MAP, "USERNETES_IDENTITY_GID_MAP=" + MAP));
    assertEquals(0, r.status(), r.err());
    assertEquals("""
        root 0 0 0 0 0
        setresuid 100005 100005 100005 100005 100005
        unshare 65534 65534 65534 65534 65534
        mapped 0 0 0 0 0
        nested 7 7 7 7 7
        """, r.out(), r.err());
  }
}
