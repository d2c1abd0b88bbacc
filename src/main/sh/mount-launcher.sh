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

# A JVM of this mount's own: it starts in its own session, reports "ready" on its stdout (our
# pipe) once the kernel has the mount, then detaches from every inherited descriptor. Reasons for
# failure go to stderr, which is still the caller's until then.
own_jvm() {
  exec 3< <(exec setsid "${jvm[@]}" -Dusernetes.identity.daemon=true @MAIN@ "$@" </dev/null 9>&-)
  IFS= read -r status <&3
  [ "$status" = ready ] && exit 0
  exit 1
}
[ "${USERNETES_IDENTITY_MOUNT_SERVICE:-on}" = off ] && own_jvm "$@"

# The mount service: one resident JVM per user and namespace (user and mount: paths and ids must
# mean the same to it) makes and serves every mount there, so a container start pays a round trip
# instead of a JVM start, and the JVM's memory is paid once. It exits with its last mount.
# MountServiceMain says when a mount gets a JVM of its own after all; so does status 200.
namespaces=$(stat -L -c %i /proc/$$/ns/user /proc/$$/ns/mnt 2>/dev/null) || own_jvm "$@"
if [ "${XDG_RUNTIME_DIR:-}" != "${XDG_RUNTIME_DIR#/}" ] && [ -w "$XDG_RUNTIME_DIR" ]; then
  dir="$XDG_RUNTIME_DIR/usernetes-identity"
elif [ "$EUID" = 0 ]; then
  dir=/run/usernetes-identity
else
  own_jvm "$@"
fi
SOCKET="$dir/mount-${namespaces//$'\n'/-}.sock"
served() {
  "$LIB/usernetes-identity-client" "$SOCKET" "$@"
  status=$?
  [ "$status" = 200 ] || exit "$status"
}
[ -S "$SOCKET" ] && served "$@"
# Nobody listens: start the service, one launcher at a time (the others then find it).
mkdir -p -m 0700 "$dir" 2>/dev/null && exec 9>>"${SOCKET%.sock}.lock" && flock -w 30 9 || own_jvm "$@"
[ -S "$SOCKET" ] && served "$@" # another launcher may have started it meanwhile
exec 3< <(cd / && exec setsid "${jvm[@]}" @SERVICE_OPTS@ io.usernetes.identity.cli.MountServiceMain "$SOCKET" \
  </dev/null 2>/dev/null 9>&-)
# its first line; a JVM that says anything else (a warning) first is not a service to rely on
IFS= read -r listening <&3
exec 3<&-
[ "$listening" = listening ] && served "$@"
own_jvm "$@"
