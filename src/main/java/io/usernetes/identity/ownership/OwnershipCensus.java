package io.usernetes.identity.ownership;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** What a walk over a layer found: files per true id, files without records, bad records. */
public final class OwnershipCensus {
  private final Map<Long, Long> filesPerUid = new TreeMap<>();
  private final Map<Long, Long> filesPerGid = new TreeMap<>();
  private final List<FileOwnership> problems = new ArrayList<>();
  private final List<Unreadable> unreadable = new ArrayList<>();
  private long files;
  private long withRecord;
  private long withoutRecord;

  public void add(FileOwnership f) {
    files++;
    filesPerUid.merge(f.uid().container(), 1L, Long::sum);
    filesPerGid.merge(f.gid().container(), 1L, Long::sum);
    if (f.hasRecord()) {
      withRecord++;
    } else {
      withoutRecord++;
    }
    if (f.hasProblem()) {
      problems.add(f);
    }
  }

  public void addUnreadable(Unreadable entry) {
    unreadable.add(entry);
  }

  public long files() {
    return files;
  }

  public long withRecord() {
    return withRecord;
  }

  public long withoutRecord() {
    return withoutRecord;
  }

  /** Files per container uid (the id a container sees), in id order. */
  public Map<Long, Long> filesPerUid() {
    return filesPerUid;
  }

  public Map<Long, Long> filesPerGid() {
    return filesPerGid;
  }

  /** Files with a drifted or corrupt record. */
  public List<FileOwnership> problems() {
    return problems;
  }

  /** Entries that could not be read, in the order the walk met them. */
  public List<Unreadable> unreadable() {
    return unreadable;
  }

  public boolean clean() {
    return problems.isEmpty() && unreadable.isEmpty();
  }
}
