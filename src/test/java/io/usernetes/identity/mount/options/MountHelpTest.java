package io.usernetes.identity.mount.options;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.usernetes.identity.idmap.IdMap;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class MountHelpTest {
  @Test
  void documentsEveryOption() {
    for (KnownOption option : KnownOption.values()) {
      Pattern word = Pattern.compile("(^|[\\s,])" + Pattern.quote(option.optionName()) + "([=,\\s]|$)",
          Pattern.MULTILINE);
      assertTrue(word.matcher(MountHelp.TEXT).find(), option.optionName() + " is not in the help");
    }
    for (String flag : new String[] {"-o OPTIONS", "-f", "-d, --debug", "-h, --help", "-V, --version"}) {
      assertTrue(MountHelp.TEXT.contains(flag), flag);
    }
  }

  @Test
  void groupsAndDefaults() {
    for (String group : new String[] {"Layers:", "Ownership", "Compatibility", "usernetes-identity ("}) {
      assertTrue(MountHelp.TEXT.contains("\n" + group), group);
    }
    assertTrue(MountHelp.TEXT.contains(IdMap.DEFAULT_SPEC.replace(',', '/')));
    assertTrue(MountHelp.TEXT.contains("lowerdir=DIR[:DIR...]  read-only layers, topmost first; "
        + "\\: is a colon in a path, \\\\ a"));
  }

  @Test
  void fitsATerminal() {
    for (String line : MountHelp.TEXT.split("\n")) {
      assertTrue(line.length() <= 100, line);
    }
    assertTrue(MountHelp.TEXT.endsWith("\n"));
  }
}
