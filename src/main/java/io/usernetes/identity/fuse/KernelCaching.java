package io.usernetes.identity.fuse;

/**
 * How long the kernel may keep what the mount tells it, in seconds: names ({@code entry_timeout}),
 * attributes ({@code attr_timeout}) and the absence of a name ({@code negative_timeout}, 0 for
 * never). A file's page cache stays across opens while its size and mtime do not change.
 */
public record KernelCaching(double entryTimeout, double attrTimeout, double negativeTimeout) {}
