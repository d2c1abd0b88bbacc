package io.usernetes.identity.ownership;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.function.LongConsumer;

/** Walks a directory tree without following symlinks and takes an {@link OwnershipCensus}. */
public final class TreeScan {
  /** How often (in entries) progress is reported. */
  public static final long PROGRESS_EVERY = 10_000;

  private TreeScan() {}

  /**
   * @param progress called with the number of entries seen so far, every {@link #PROGRESS_EVERY}
   * @throws IOException when the root itself cannot be read
   */
  public static OwnershipCensus scan(Path root, OwnershipInspector inspector, LongConsumer progress)
      throws IOException {
    if (!Files.isDirectory(root, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      throw new java.nio.file.NotDirectoryException(root.toString());
    }
    OwnershipCensus census = new OwnershipCensus();
    Files.walkFileTree(root, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
        visit(dir);
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
        visit(file);
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFileFailed(Path file, IOException e) {
        census.addUnreadable(file + ": " + e.getMessage());
        return FileVisitResult.CONTINUE;
      }

      private void visit(Path path) {
        try {
          census.add(inspector.inspect(path));
        } catch (IOException e) {
          census.addUnreadable(path + ": " + e.getMessage());
        }
        long seen = census.files() + census.unreadable().size();
        if (seen % PROGRESS_EVERY == 0) {
          progress.accept(seen);
        }
      }
    });
    return census;
  }
}
