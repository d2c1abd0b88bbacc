#!/bin/sh
# @PROGRAM@ — installed by usernetes-identity's scripts/install: an OCI runtime wrapper (podman
# --runtime, containerd's runc BinaryName, CRI-O's runtime_path). For create and run it first
# gives the bundle's container a user namespace of its own, with sparse maps (one line per id the
# image declares, to its pool id); then, and for every other command at once, it execs the real
# runtime with the same arguments and descriptors: $USERNETES_IDENTITY_RUNTIME, else runc.
# `@PROGRAM@ serve` is the resident service that does the create/run work without a JVM start
# each; the native client asks it, and this script starts the JVM itself when it cannot answer.
LIB='@LIB@'
JAVA='@JAVA@'
ARCHIVE="$LIB/@PROGRAM@.jsa"
CDS=
[ -r "$ARCHIVE" ] && CDS="-XX:SharedArchiveFile=$ARCHIVE -Xlog:cds=off -Xlog:cds+dynamic=off"
@ENVIRONMENT@
# RuntimeServeCommand.defaultSocket computes the same
case "${XDG_RUNTIME_DIR:-}" in
  /*) SOCKET="$XDG_RUNTIME_DIR/usernetes-identity/runtime.sock" ;;
  *) SOCKET=/run/usernetes-identity/runtime.sock ;;
esac
# serve: exec, so that the service is this process and a signal to it reaches the JVM
if [ "${1:-}" = serve ]; then
  exec "$JAVA" $CDS -Xshare:auto @JAVA_OPTS@ -cp "$LIB/usernetes-identity.jar" @MAIN@ "$@"
fi
for arg in "$@"; do
  case "$arg" in
    create|run)
      status=200
      [ -S "$SOCKET" ] && { "$LIB/identity-runtime-client" "$SOCKET" "$@"; status=$?; }
      if [ "$status" = 200 ]; then # 200: not served
        "$JAVA" $CDS -Xshare:auto @JAVA_OPTS@ -cp "$LIB/usernetes-identity.jar" @MAIN@ "$@" || exit $?
      elif [ "$status" != 0 ]; then
        exit "$status"
      fi
      break ;;
  esac
done
exec "${USERNETES_IDENTITY_RUNTIME:-runc}" "$@"
