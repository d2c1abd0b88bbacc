package io.usernetes.identity.kernel;

import static io.usernetes.identity.kernel.OpenFlags.O_CREAT;
import static io.usernetes.identity.kernel.OpenFlags.O_PATH;
import static io.usernetes.identity.kernel.OpenFlags.O_RDONLY;
import static io.usernetes.identity.kernel.OpenFlags.O_RDWR;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FileDataTest extends TempDirTest {
  static byte[] random(int size, long seed) {
    byte[] data = new byte[size];
    new Random(seed).nextBytes(data);
    return data;
  }

  Fd create(String name) throws ErrnoException {
    return Open.openat(dir, b(name), O_RDWR | O_CREAT, 0600);
  }

  @Test
  void nativeMemoryAtOffsetsRoundTrips() throws Exception {
    byte[] data = random(10_000, 1);
    try (Fd f = create("f"); Memory out = new Memory(20_000); Memory in = new Memory(20_000)) {
      out.write(500, data, 0, data.length);
      assertEquals(data.length, FileData.pwrite(f, Pointer.nativeValue(out) + 500, data.length, 4096));

      byte[] onDisk = Files.readAllBytes(tmp.resolve("f"));
      assertEquals(4096 + data.length, onDisk.length);
      assertArrayEquals(new byte[4096], Arrays.copyOf(onDisk, 4096), "a hole before the written range");
      assertArrayEquals(data, Arrays.copyOfRange(onDisk, 4096, onDisk.length));

      in.clear(20_000);
      assertEquals(3000, FileData.pread(f, Pointer.nativeValue(in) + 7, 3000, 4096 + 100));
      assertArrayEquals(Arrays.copyOfRange(data, 100, 3100), in.getByteArray(7, 3000));
      assertEquals(0, in.getByte(6));
      assertEquals(0, in.getByte(3007));

      assertEquals(96, FileData.pread(f, Pointer.nativeValue(in), 1000, 4096 + data.length - 96), "short at the end");
      assertEquals(0, FileData.pread(f, Pointer.nativeValue(in), 1000, 1 << 20), "0 at end of file");
    }
  }

  @Test
  void byteArraySlicesRoundTripAndLeaveTheRestAlone() throws Exception {
    byte[] data = random(1000, 2);
    try (Fd f = create("f")) {
      assertEquals(300, FileData.pwrite(f, data, 200, 300, 10));
      assertArrayEquals(Arrays.copyOfRange(data, 200, 500), Arrays.copyOfRange(Files.readAllBytes(tmp.resolve("f")), 10, 310));

      byte[] back = new byte[1000];
      Arrays.fill(back, (byte) 7);
      assertEquals(100, FileData.pread(f, back, 600, 100, 60));
      assertArrayEquals(Arrays.copyOfRange(data, 250, 350), Arrays.copyOfRange(back, 600, 700));
      for (int i : new int[] {0, 599, 700, 999}) {
        assertEquals(7, back[i]);
      }
      assertThrows(IndexOutOfBoundsException.class, () -> FileData.pread(f, back, 950, 100, 0));
    }
  }

  @Test
  void descriptorsWithoutTheRightAccessAreEbadf() throws Exception {
    Files.writeString(tmp.resolve("f"), "x");
    try (Fd ro = Open.openat(dir, b("f"), O_RDONLY, 0); Fd path = Open.openat(dir, b("f"), O_PATH, 0)) {
      var e = assertThrows(ErrnoException.class, () -> FileData.pwrite(ro, new byte[1], 0, 1, 0));
      assertEquals(ErrnoException.EBADF, e.errno());
      assertEquals("pwrite(fd " + ro.number() + "): Bad file descriptor", e.getMessage());
      assertEquals(ErrnoException.EBADF, assertThrows(ErrnoException.class, () -> FileData.pread(path, new byte[1], 0, 1, 0)).errno());
      assertEquals(ErrnoException.EBADF, assertThrows(ErrnoException.class, () -> FileData.fsync(path)).errno());
      assertEquals(ErrnoException.EINVAL, assertThrows(ErrnoException.class, () -> FileData.ftruncate(ro, 0)).errno());
    }
  }

  @Test
  void truncateAllocateAndSync() throws Exception {
    try (Fd f = create("f")) {
      FileData.pwrite(f, b("hello world"), 0, 11, 0);
      FileData.ftruncate(f, 5);
      assertEquals("hello", Files.readString(tmp.resolve("f")));
      FileData.ftruncate(f, 1 << 20);
      Stat sparse = Attributes.statx(f);
      assertEquals(1 << 20, sparse.size());
      assertTrue(sparse.blocks() < 64, "extending by truncate leaves a hole: " + sparse.blocks());

      FileData.fallocate(f, 0, 0, 1 << 20);
      assertTrue(Attributes.statx(f).blocks() >= (1 << 20) / 512, "fallocate reserves the blocks");
      int keepSize = 1; // FALLOC_FL_KEEP_SIZE
      FileData.fallocate(f, keepSize, 1 << 20, 1 << 20);
      Stat kept = Attributes.statx(f);
      assertEquals(1 << 20, kept.size());
      assertTrue(kept.blocks() >= (2 << 20) / 512);

      FileData.fsync(f);
      FileData.fdatasync(f);
    }
    try (Fd d = Open.openat(dir, b("."), O_RDONLY, 0)) {
      FileData.fsync(d);
    }
  }

  @Test
  void concurrentPositionalIoOnOneDescriptor() throws Exception {
    int threads = 8;
    int block = 64 * 1024;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try (Fd f = create("f")) {
      List<Future<?>> work = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int id = t;
        work.add(pool.submit(() -> {
          byte[] mine = random(block, id);
          for (int round = 0; round < 20; round++) {
            assertEquals(block, FileData.pwrite(f, mine, 0, block, (long) id * block));
            byte[] back = new byte[block];
            assertEquals(block, FileData.pread(f, back, 0, block, (long) id * block));
            assertArrayEquals(mine, back);
          }
          return null;
        }));
      }
      for (Future<?> w : work) {
        w.get();
      }
    } finally {
      pool.shutdownNow();
    }
  }

  interface Copier {
    long copy(Fd from, long fromPosition, Fd to, long toPosition, long length) throws ErrnoException;
  }

  @ParameterizedTest(name = "copy_file_range={0}")
  @ValueSource(booleans = {true, false})
  void copyBetweenOffsetsStopsAtEndOfFile(boolean kernelCopy) throws Exception {
    Copier copier = kernelCopy ? FileData::copy : FileData::copyByReading;
    byte[] data = random(3 * (1 << 20) + 12345, 3);
    Files.write(tmp.resolve("src"), data);
    try (Fd src = Open.openat(dir, b("src"), O_RDONLY, 0); Fd dst = create("dst")) {
      assertEquals(data.length - 100, copier.copy(src, 100, dst, 7, data.length));
      byte[] copied = Files.readAllBytes(tmp.resolve("dst"));
      assertEquals(7 + data.length - 100, copied.length);
      assertArrayEquals(Arrays.copyOfRange(data, 100, data.length), Arrays.copyOfRange(copied, 7, copied.length));
      assertEquals(0, copier.copy(src, data.length, dst, 0, 10));
      assertEquals(0, copier.copy(src, 0, dst, 0, 0));
    }
  }

  @Test
  void copyAcrossFileSystemsFallsBack() throws Exception {
    Path shm = Files.createTempFile(Path.of("/dev/shm"), "kernel-test", ".bin");
    try {
      byte[] data = random(2 * (1 << 20) + 3, 4);
      Files.write(shm, data);
      try (Fd shmDir = Open.directory(b("/dev/shm"));
          Fd src = Open.openat(shmDir, b(shm.getFileName().toString()), O_RDONLY, 0);
          Fd dst = create("dst")) {
        assertEquals(data.length, FileData.copy(src, 0, dst, 0, Long.MAX_VALUE / 2));
      }
      assertArrayEquals(data, Files.readAllBytes(tmp.resolve("dst")));
    } finally {
      Files.delete(shm);
    }
  }
}
