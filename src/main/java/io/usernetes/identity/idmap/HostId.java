package io.usernetes.identity.idmap;

/** The host id of a container id, with the segment that placed it (for people and {@code --json}). */
public record HostId(long container, long host, Placement placement, Segment segment) {}
