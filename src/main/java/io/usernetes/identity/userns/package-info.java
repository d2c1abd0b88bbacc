/**
 * A container's own, sparse user namespace: the uid and gid maps an OCI runtime wrapper gives a
 * container on a node whose namespace has only a small pool of ids, so that the kernel itself
 * shows every id the image declares as its true id ({@code 60000 1633 1}: alice is 60000 inside
 * and pool id 1633 outside).
 *
 * <p>{@link io.usernetes.identity.userns.SparseIdMaps#compute} turns the one {@link
 * io.usernetes.identity.idmap.IdMap}, the image's accounts and the ids the container cannot do
 * without into a {@link io.usernetes.identity.userns.SparseIdMap}: lines by container id, one to
 * one on both sides, within the kernel's 340, optionally expressed through the config's own
 * mapping ({@link io.usernetes.identity.userns.ConfigMapping}). Ids it cannot carry (collisions,
 * ids beyond the limit, ids the config cannot express, invalid ids) are named as {@link
 * io.usernetes.identity.userns.LeftOut}, never thrown: the supervisor answers for them.
 *
 * <p>Plain Java: no I/O, no JSON; the wrapper reads the config and writes the lines itself.
 */
package io.usernetes.identity.userns;
