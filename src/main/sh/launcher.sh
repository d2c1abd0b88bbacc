#!/bin/sh
# @PROGRAM@ — installed by usernetes-identity's scripts/install. Works from any directory and
# with the minimal environment podman and OCI runtimes give their helpers: every path is absolute.
LIB='@LIB@'
JAVA='@JAVA@'
ARCHIVE="$LIB/@PROGRAM@.jsa"
# Class-data sharing: a per-program archive made at install time halves start-up; a stale or
# missing one is silently ignored by the JVM (-Xshare:auto).
CDS=
[ -r "$ARCHIVE" ] && CDS="-XX:SharedArchiveFile=$ARCHIVE -Xlog:cds=off -Xlog:cds+dynamic=off"
# The program's environment lines below set it for a command that runs long enough to want the
# JVM's full JIT.
LONG_RUN_OPTS=
@ENVIRONMENT@
exec "$JAVA" $CDS -Xshare:auto @JAVA_OPTS@ $LONG_RUN_OPTS -cp "$LIB/usernetes-identity.jar" @MAIN@ "$@"
