package io.usernetes.identity.ownership;

import io.usernetes.identity.config.ReportMode;
import io.usernetes.identity.declared.HostIdResolver;
import io.usernetes.identity.declared.Resolution;
import io.usernetes.identity.declared.PoolView;
import io.usernetes.identity.idmap.IdMap;
import java.util.OptionalLong;

/**
 * The ownership virtualisation of the mount for one kind of id (uids or gids): which id getattr
 * reports for a backing file, and what to store for a chown or a new file.
 *
 * <p>Container mode (the mount's namespace maps all of 0–65535): report the file's true id — its
 * record when the record maps to the file's host owner, else the stored id — and store the pool
 * id plus a record. Host mode (a small namespace): report the stored (host) id, the only kind
 * the namespace can represent; the kernel only lets callers chown to such ids, so store it as
 * given and record the true id when the ids the image declares name it without ambiguity. Where
 * two declared ids share a hash, the one that moved in the container's {@link PoolView} is
 * reported on its other pool id, which the container's sparse namespace shows as its true id;
 * the disk keeps the hash and the record. Never reports an id the namespace cannot represent.
 */
public final class OwnershipTranslator {
  /** What to store: the backing file's local owner and its record ({@code ABSENT}: remove it). */
  public record Decision(long localOwner, RecordValue record) {}

  private final ReportMode mode;
  private final IdMap map;
  private final LocalIds local;
  private final ViewMapping view;
  private final DeclaredAccounts declared;
  private final CallerNamespaces callers;
  private final boolean gids;

  /**
   * @param mode {@link ReportMode#CONTAINER} or {@link ReportMode#HOST}, already resolved
   * @param declared the image's declared ids, read lazily (only host mode asks)
   * @param callers what a caller's own user namespace calls an id (host mode asks first)
   * @param gids whether this translates gids (a caller's gid_map) rather than uids
   */
  public OwnershipTranslator(ReportMode mode, IdMap map, LocalIds local, ViewMapping view,
      DeclaredAccounts declared, CallerNamespaces callers, boolean gids) {
    if (mode == ReportMode.AUTO) {
      throw new IllegalArgumentException("resolve the report mode before building a translator");
    }
    this.mode = mode;
    this.map = map;
    this.local = local;
    this.view = view;
    this.declared = declared;
    this.callers = callers;
    this.gids = gids;
  }

  public ReportMode mode() {
    return mode;
  }

  /**
   * Whether a file owned by {@code localOwner} can carry a record that changes what getattr shows:
   * in container mode, owners some other container id maps to (pool ids and pinned ids that are
   * not themselves); in host mode, pool ids some declared id moved away from. Saves two xattr
   * reads for every other file.
   */
  public boolean needsRecord(long localOwner) {
    long host = local.toHost(localOwner);
    if (mode != ReportMode.CONTAINER) {
      return declared.recent().view().movedFrom(host);
    }
    if (map.isPoolHost(host)) {
      return true;
    }
    OptionalLong pinned = map.pinnedContainerOf(host);
    return pinned.isPresent() && pinned.getAsLong() != localOwner;
  }

  /**
   * The true id of a lower layer's override (containers-storage's {@code force_mask}). Written at
   * an import, the override is the image's own id; written at a commit of a host-mode mount, it is
   * what the mount showed — the pool id, or the id a colliding id moved to — and the record the
   * mount showed beside it names the true id: a record that maps to the override's id is that
   * commit's, and believed.
   */
  public long trueIdOfOverride(long overrideId, RecordValue record) {
    if (mode != ReportMode.HOST || !record.isValid()) {
      return overrideId;
    }
    long host = local.toHost(overrideId);
    return map.toHost(record.id()) == host || declared.recent().view().hostOf(record.id()) == host
        ? record.id() : overrideId;
  }

  /** Whether an override id may come with a record ({@link #trueIdOfOverride}): host mode, pool ids. */
  public boolean overrideMayHaveRecord(long overrideId) {
    return mode == ReportMode.HOST && map.isPoolHost(local.toHost(overrideId));
  }

  /** Whether the records are shown, read-only, to a caller: see {@link CallerNamespaces#shareNamespace}. */
  public boolean showsRecords(long callerPid) {
    return mode == ReportMode.HOST && callers.shareNamespace(callerPid);
  }

  /** The true (container) id of a backing file, from its override, its record or its owner. */
  public long trueId(long localOwner, RecordValue record, OptionalLong override) {
    if (override.isPresent()) {
      return override.getAsLong();
    }
    IdOwnership judged = IdOwnership.judge(map, local.toHost(localOwner), record);
    return judged.status() == IdOwnership.Status.OK ? judged.container() : localOwner;
  }

  /** The id getattr reports for a backing file. */
  public long report(long localOwner, RecordValue record, OptionalLong override) {
    long shown;
    if (mode == ReportMode.CONTAINER) {
      shown = view.toView(trueId(localOwner, record, override));
    } else {
      long stored = override.isPresent()
          ? local.toLocal(map.toHost(override.getAsLong()))
          : localOwner;
      // only a record or an override can say a file is a moved id's (a bare hash is its holder's)
      shown = view.toView(override.isPresent() || record.isValid()
          ? moved(stored, trueId(localOwner, record, override)) : stored);
    }
    return local.representable(shown) ? shown : localOwner;
  }

  /** Host mode: where the file's true id sits in the container, if it moved off its hash. */
  private long moved(long stored, long trueId) {
    long host = local.toHost(stored);
    if (map.toHost(trueId) != host || !map.isPoolHost(host)) {
      return stored;
    }
    OptionalLong to = declared.recent().view().movedTo(trueId);
    return to.isPresent() ? local.toLocal(to.getAsLong()) : stored;
  }

  /**
   * What to store when a caller sets owner {@code requested} (a chown, or the caller's own id for a
   * new file). Null means "leave the owner alone" (squash mappings accept chown and ignore it).
   * In host mode the true id is what the caller's own namespace calls the id (a sparse namespace
   * names 1633 60000 without ambiguity), when that name sits on the id in the container's view;
   * else the one id the image declares there, if only one. A true id is stored as its hash plus
   * a record, even where the container shows it on the pool id it moved to.
   *
   * @param callerPid the calling process, 0 when unknown
   * @throws IdNotMappableException when the view mapping has no stored id for {@code requested}
   */
  public Decision store(long requested, long callerPid) {
    if (view.squashes()) {
      return null;
    }
    long stored = view.fromView(requested);
    if (stored < 0) {
      throw new IdNotMappableException(requested);
    }
    if (mode == ReportMode.CONTAINER) {
      return storeTrue(stored);
    }
    long host = local.toHost(stored);
    HostIdResolver image = declared.current();
    OptionalLong named = callers.nameIn(callerPid, stored, gids);
    if (named.isPresent() && image.view().hostOf(named.getAsLong()) == host) {
      return storeTrue(named.getAsLong());
    }
    Resolution r = image.resolve(host);
    return r.source().isCertain() ? storeTrue(r.container()) : new Decision(stored, RecordValue.absent());
  }

  /**
   * What to store for a file whose true owner is known to be {@code containerId} (in either mode):
   * the pool id, and a record wherever that id alone would not tell the true one.
   */
  public Decision storeTrue(long containerId) {
    long owner = local.toLocal(map.toHost(containerId));
    return new Decision(owner, containerId == owner ? RecordValue.absent() : RecordValue.of(containerId));
  }
}
