package io.usernetes.identity.declared;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

class AccountFileTest {
  @Test
  void parsesPasswdSkippingCommentsNisAndBadLinesWithWarnings() {
    AccountFile f = AccountFile.parse(AccountFile.Kind.PASSWD, String.join("\n",
        "root:x:0:0:root:/root:/bin/sh",
        "# a comment",
        "+nisuser::::::",
        "alice:x:60000:60000:Alice:/home/alice:/bin/sh\r",
        "broken:x:60001",
        "neg:x:-5:0::/:/bin/sh",
        ":x:7:7::/:/bin/sh",
        "nobody:x:65534:65534:nobody:/:/sbin/nologin",
        ""));
    assertEquals(List.of(new DeclaredId("root", 0), new DeclaredId("alice", 60000),
        new DeclaredId("nobody", 65534)), f.accounts());
    assertEquals(List.of(
        "passwd line 5: expected 7 ':'-separated fields, found 3, skipped",
        "passwd line 6: id \"-5\" of neg is not a decimal id, skipped",
        "passwd line 7: empty name, skipped"), f.warnings());
  }

  @Test
  void parsesGroup() {
    AccountFile f = AccountFile.parse(AccountFile.Kind.GROUP,
        "root:x:0:\nwheel:x:10:alice,bob\nsite:x:60000:\n");
    assertEquals(List.of(new DeclaredId("root", 0), new DeclaredId("wheel", 10),
        new DeclaredId("site", 60000)), f.accounts());
    assertTrue(f.warnings().isEmpty());
  }

  @Property(tries = 500)
  void arbitraryContentNeverThrows(@ForAll String content) {
    AccountFile f = AccountFile.parse(AccountFile.Kind.PASSWD, content);
    assertTrue(f.accounts().size() + f.warnings().size() <= content.split("\n", -1).length);
  }
}
