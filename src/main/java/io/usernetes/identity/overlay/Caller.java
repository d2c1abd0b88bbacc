package io.usernetes.identity.overlay;

/** Who made a request: the ids and pid of the calling process as the kernel gives them to FUSE. */
public record Caller(long uid, long gid, long pid) {}
