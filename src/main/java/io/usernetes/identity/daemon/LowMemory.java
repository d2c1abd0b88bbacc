package io.usernetes.identity.daemon;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryNotificationInfo;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import javax.management.NotificationEmitter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a daemon sharing one heap between many mounts does when that heap runs short: after a
 * collection leaves the old generation more than a given fraction full, it runs an action that
 * gives memory back (caches that can be read again), so that one mount's appetite slows the
 * others instead of ending them all with an OutOfMemoryError. The JVM tells after the
 * collection, on its notification thread.
 */
public final class LowMemory {
  private static final Logger LOG = LoggerFactory.getLogger(LowMemory.class);

  private LowMemory() {}

  /**
   * Runs {@code shed} whenever a collection leaves a heap pool that supports it (the old
   * generation) more than {@code fraction} of its maximum full. Returns false when no pool does.
   */
  public static boolean whenOldGenerationAbove(double fraction, Runnable shed) {
    boolean watched = false;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      long max = pool.getUsage().getMax();
      if (pool.getType() == MemoryType.HEAP && pool.isCollectionUsageThresholdSupported() && max > 0) {
        pool.setCollectionUsageThreshold((long) (max * fraction));
        watched = true;
      }
    }
    if (watched) {
      NotificationEmitter emitter = (NotificationEmitter) ManagementFactory.getMemoryMXBean();
      emitter.addNotificationListener((notification, handback) -> {
        if (MemoryNotificationInfo.MEMORY_COLLECTION_THRESHOLD_EXCEEDED.equals(notification.getType())) {
          LOG.warn("the heap is more than {}% full after a collection: dropping caches that can be read again",
              Math.round(fraction * 100));
          shed.run();
        }
      }, null, null);
    }
    return watched;
  }
}
