package io.usernetes.identity.userns;

import io.usernetes.identity.declared.PoolView;
import java.util.List;
import java.util.OptionalLong;
import java.util.stream.Collectors;

/**
 * A container's own, sparse uid or gid map, made by {@link SparseIdMaps#compute}: at most {@value
 * #MAX_LINES} lines, one to one on both sides, by container id; and the ids it leaves out, each
 * with its reason. Immutable.
 */
public final class SparseIdMap {
  /** The kernel's limit on the lines of a uid_map or gid_map (since Linux 4.15). */
  public static final int MAX_LINES = 340;

  private final List<IdMappingLine> lines;
  private final List<LeftOut> leftOut;
  private final List<PoolView.Move> moves;

  SparseIdMap(List<IdMappingLine> lines, List<LeftOut> leftOut, List<PoolView.Move> moves) {
    this.lines = List.copyOf(lines);
    this.leftOut = List.copyOf(leftOut);
    this.moves = List.copyOf(moves);
  }

  /** The lines, by container id: what goes into the OCI config's mappings. */
  public List<IdMappingLine> lines() {
    return lines;
  }

  /** Every id asked for that is not mapped, by container id. */
  public List<LeftOut> leftOut() {
    return leftOut;
  }

  /** The declared ids that sit on another pool id than their hash, as the mount reports them. */
  public List<PoolView.Move> moves() {
    return moves;
  }

  public List<LeftOut> leftOut(LeftOut.Reason reason) {
    return leftOut.stream().filter(l -> l.reason() == reason).toList();
  }

  /** The parent namespace's id of a container id, or empty when the map does not carry it. */
  public OptionalLong hostOf(long containerId) {
    for (IdMappingLine line : lines) {
      if (containerId >= line.containerId() && containerId < line.containerEnd()) {
        return OptionalLong.of(line.hostId() + (containerId - line.containerId()));
      }
    }
    return OptionalLong.empty();
  }

  /** The map as {@code /proc/PID/uid_map} takes it: {@code "0 0 1\n1000 1520 1\n"}. */
  @Override
  public String toString() {
    return lines.stream().map(l -> l + "\n").collect(Collectors.joining());
  }
}
