package io.usernetes.identity.layers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.usernetes.identity.kernel.Fd;
import io.usernetes.identity.kernel.Open;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ListingCacheTest {
  private static final LayerRoot IMAGE = new LayerRoot(8, 1, 1234);
  private static final LayerRoot OTHER = new LayerRoot(8, 1, 5678);
  private static final byte[] DIR = "usr/share".getBytes(StandardCharsets.ISO_8859_1);

  @TempDir Path dir;

  private Listing listingOf(int names) throws Exception {
    Path d = Files.createTempDirectory(dir, "d");
    for (int i = 0; i < names; i++) {
      Files.createFile(d.resolve("f" + i));
    }
    try (Fd fd = Open.directory(d.toString().getBytes(StandardCharsets.ISO_8859_1))) {
      return Listing.read(fd, false);
    }
  }

  @Test
  void mountsOfOneLayerShareItsListingsUntilTheLastEnds() throws Exception {
    ListingCache cache = new ListingCache(100);
    cache.retain(IMAGE);
    cache.retain(IMAGE);
    Listing l = listingOf(3);
    assertTrue(cache.put(IMAGE, DIR, l));
    assertSame(l, cache.get(IMAGE, DIR), "the second mount reads what the first read");
    assertNull(cache.get(OTHER, DIR), "another layer's directory of the same path is another listing");
    cache.release(IMAGE);
    assertSame(l, cache.get(IMAGE, DIR), "one mount is left");
    cache.release(IMAGE);
    assertNull(cache.get(IMAGE, DIR), "the last mount's end drops them: a layer changed before the next is read afresh");
    assertEquals(0, cache.names());
  }

  @Test
  void aListingOfALayerNoMountUsesIsUsedNotKept() throws Exception {
    ListingCache cache = new ListingCache(100);
    assertTrue(cache.put(IMAGE, DIR, listingOf(2)));
    assertNull(cache.get(IMAGE, DIR));
  }

  @Test
  void theLeastRecentlyUsedGoFirstAndTooLargeListingsAreNotKept() throws Exception {
    ListingCache cache = new ListingCache(40);
    cache.retain(IMAGE);
    byte[] a = {'a'};
    byte[] b = {'b'};
    byte[] c = {'c'};
    cache.put(IMAGE, a, listingOf(10));
    cache.put(IMAGE, b, listingOf(10));
    cache.get(IMAGE, a);
    cache.put(IMAGE, c, listingOf(10));
    cache.put(IMAGE, DIR, listingOf(10));
    assertEquals(40, cache.names());
    cache.put(IMAGE, new byte[] {'e'}, listingOf(10));
    assertNull(cache.get(IMAGE, b), "b was used least recently");
    assertFalse(cache.put(IMAGE, new byte[] {'f'}, listingOf(11)), "more than a quarter of the capacity");
    assertTrue(cache.isTooLarge(IMAGE, new byte[] {'f'}));
    cache.release(IMAGE);
    assertFalse(cache.isTooLarge(IMAGE, new byte[] {'f'}));
  }
}
