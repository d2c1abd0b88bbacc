package io.usernetes.identity.kernel;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FdTest {
  @TempDir Path tmp;

  Fd openTmp() throws ErrnoException {
    return Open.directory(tmp.toString().getBytes(UTF_8));
  }

  @Test
  void closeReleasesTheDescriptorAndLaterUseIsEbadf() throws Exception {
    Fd fd = openTmp();
    int number = fd.number();
    Path proc = Path.of("/proc/self/fd/" + number);
    assertEquals(tmp, Files.readSymbolicLink(proc));
    fd.close();
    assertFalse(Files.exists(proc, java.nio.file.LinkOption.NOFOLLOW_LINKS) && tmp.equals(Files.readSymbolicLink(proc)));
    var e = assertThrows(ErrnoException.class, fd::number);
    assertEquals(ErrnoException.EBADF, e.errno());
    assertTrue(fd.toString().contains("closed"));
  }

  @Test
  void closeIsIdempotentAndDoesNotCloseAReusedNumber() throws Exception {
    Fd first = openTmp();
    int number = first.number();
    first.close();
    try (Fd second = openTmp()) {
      assertEquals(number, second.number(), "the kernel hands out the lowest free number");
      first.close();
      assertEquals(tmp, Files.readSymbolicLink(Path.of("/proc/self/fd/" + number)));
    }
  }

  @Test
  void concurrentClosesReachTheKernelOnce() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      for (int round = 0; round < 200; round++) {
        Fd fd = openTmp();
        CountDownLatch start = new CountDownLatch(1);
        List<Future<?>> closes = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
          closes.add(pool.submit(() -> {
            start.await();
            fd.close();
            return null;
          }));
        }
        start.countDown();
        for (Future<?> c : closes) {
          c.get(); // a second close(2) reaching the kernel would fail with EBADF here
        }
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
