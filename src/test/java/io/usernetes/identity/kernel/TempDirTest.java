package io.usernetes.identity.kernel;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/** The fixture the binding's tests share: a fresh directory and an open descriptor of it. */
abstract class TempDirTest {
  @TempDir Path tmp;
  Fd dir;

  @BeforeEach
  void openTempDir() throws Exception {
    dir = Open.directory(b(tmp.toString()));
  }

  @AfterEach
  void closeTempDir() throws Exception {
    dir.close();
  }

  static byte[] b(String s) {
    return s.getBytes(UTF_8);
  }
}
