package io.usernetes.identity.overlay;

import io.usernetes.identity.kernel.Fd;

/**
 * A file opened through the mount: the descriptor of its backing file in whichever layer held it
 * at open time. FUSE keeps it by number ({@code fh}) until release.
 */
public record OpenFile(Fd fd, boolean writable) {}
