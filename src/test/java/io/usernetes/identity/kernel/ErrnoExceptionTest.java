package io.usernetes.identity.kernel;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ErrnoExceptionTest {
  @Test
  void messageNamesCallNameAndEnglishDescription() {
    ErrnoException e = new ErrnoException(ErrnoException.ENOENT, "openat", "a/b".getBytes(US_ASCII));
    assertEquals("openat(\"a/b\"): No such file or directory", e.getMessage());
    assertEquals(ErrnoException.ENOENT, e.errno());
  }

  @Test
  void nonPrintableBytesQuotesAndBackslashesAreEscaped() {
    byte[] name = {'b', 'a', 'd', (byte) 0xff, (byte) 0xfe, '"', '\\', '\n'};
    ErrnoException e = new ErrnoException(ErrnoException.EEXIST, "mkdirat", name);
    assertEquals("mkdirat(\"bad\\xff\\xfe\\\"\\\\\\x0a\"): File exists", e.getMessage());
  }

  @Test
  void twoNamesAndNoNames() {
    assertEquals("renameat2(\"a\", \"b\"): Invalid cross-device link",
        new ErrnoException(ErrnoException.EXDEV, "renameat2", "a".getBytes(US_ASCII), "b".getBytes(US_ASCII)).getMessage());
    assertEquals("fsync(fd 3): Bad file descriptor", new ErrnoException(ErrnoException.EBADF, "fsync(fd 3)").getMessage());
  }

  @Test
  void unknownErrorNumber() {
    assertEquals("Unknown error 4095", ErrnoException.describe(4095));
  }

  @Test
  void constantsAreTheLinuxValues() {
    assertEquals("Directory not empty", ErrnoException.describe(ErrnoException.ENOTEMPTY));
    assertEquals("No data available", ErrnoException.describe(ErrnoException.ENODATA));
    assertEquals("Operation not supported", ErrnoException.describe(ErrnoException.ENOTSUP));
    assertEquals("Too many levels of symbolic links", ErrnoException.describe(ErrnoException.ELOOP));
    assertEquals("Numerical result out of range", ErrnoException.describe(ErrnoException.ERANGE));
    assertEquals("Function not implemented", ErrnoException.describe(ErrnoException.ENOSYS));
    assertEquals("File name too long", ErrnoException.describe(ErrnoException.ENAMETOOLONG));
  }
}
