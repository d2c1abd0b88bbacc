#!/bin/bash
# usernetes-identity — installed by usernetes-identity's scripts/install. The containers-storage
# mount_program contract: exit 0 only once the mount is live, leaving a daemon whose stdin, stdout
# and stderr are detached (podman waits for its stderr pipe to close); on failure, the reason on
# stderr and a non-zero exit. Every path is absolute: podman runs this from its graph root with
# its own environment.
LIB='@LIB@'
JAVA='@JAVA@'
ARCHIVE="$LIB/@PROGRAM@.jsa"
CDS=
[ -r "$ARCHIVE" ] && CDS="-XX:SharedArchiveFile=$ARCHIVE -Xlog:cds=off -Xlog:cds+dynamic=off"
jvm=("$JAVA" $CDS -Xshare:auto @JAVA_OPTS@ -cp "$LIB/usernetes-identity.jar")

# Foreground (-f, -d, -o debug) and informational runs keep the terminal: run the JVM in place.
foreground=0 previous=
for arg in "$@"; do
  case "$arg" in
    -f|-d|--debug|-h|--help|-V|--version) foreground=1 ;;
  esac
  [ "$previous" = -o ] && case ",$arg," in *,debug,*) foreground=1 ;; esac
  case "$arg" in -o?*) case ",${arg#-o}," in *,debug,*) foreground=1 ;; esac ;; esac
  previous=$arg
done
[ "$foreground" = 1 ] && exec "${jvm[@]}" @MAIN@ "$@"

# Daemon: the JVM starts in its own session, reports "ready" on its stdout (our pipe) once the
# kernel has the mount, then detaches from every inherited descriptor. Reasons for failure go to
# stderr, which is still the caller's until then.
exec 3< <(exec setsid "${jvm[@]}" -Dusernetes.identity.daemon=true @MAIN@ "$@" </dev/null)
IFS= read -r status <&3
[ "$status" = ready ] && exit 0
exit 1
