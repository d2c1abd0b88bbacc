#!/bin/sh
# @PROGRAM@ — installed by usernetes-identity's scripts/install: an OCI runtime wrapper (podman
# --runtime, containerd's runc BinaryName, CRI-O's runtime_path). For create and run it first
# gives the bundle's container a user namespace of its own, with sparse maps (one line per id the
# image declares, to its pool id); then, and for every other command at once, it execs the real
# runtime with the same arguments and descriptors: $USERNETES_IDENTITY_RUNTIME, else runc.
LIB='@LIB@'
JAVA='@JAVA@'
ARCHIVE="$LIB/@PROGRAM@.jsa"
CDS=
[ -r "$ARCHIVE" ] && CDS="-XX:SharedArchiveFile=$ARCHIVE -Xlog:cds=off -Xlog:cds+dynamic=off"
@ENVIRONMENT@
for arg in "$@"; do
  case "$arg" in
    create|run)
      "$JAVA" $CDS -Xshare:auto @JAVA_OPTS@ -cp "$LIB/usernetes-identity.jar" @MAIN@ "$@" || exit $?
      break ;;
  esac
done
exec "${USERNETES_IDENTITY_RUNTIME:-runc}" "$@"
