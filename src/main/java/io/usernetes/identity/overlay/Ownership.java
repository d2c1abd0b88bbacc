package io.usernetes.identity.overlay;

import io.usernetes.identity.ownership.OwnershipTranslator;

/** The uid and gid translators of one mount. */
public record Ownership(OwnershipTranslator uids, OwnershipTranslator gids) {}
