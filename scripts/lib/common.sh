# Shared by the scripts in scripts/: project paths, messages, and OS packages.
# shellcheck shell=bash

PROJECT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
JAR="$PROJECT_DIR/target/usernetes-identity.jar"

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
die() { printf '%s: %s\n' "$(basename "$0")" "$*" >&2; exit 1; }

# ensure_packages PKG...: install the Debian packages that are missing (needs root and apt-get).
ensure_packages() {
  local missing=() pkg
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  [ "$(id -u)" -eq 0 ] || die "missing packages ${missing[*]}: run as root or install them (apt-get install ${missing[*]})"
  command -v apt-get >/dev/null || die "missing packages ${missing[*]} and no apt-get to install them"
  say "installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# ensure_build_tools: a JDK 17+ and Maven.
ensure_build_tools() {
  command -v java >/dev/null || ensure_packages openjdk-17-jdk-headless
  command -v mvn >/dev/null || ensure_packages maven
}

# build_jar [MVN ARGS...]: package the one jar everything runs from (tests skipped unless asked).
build_jar() {
  ensure_build_tools
  (cd "$PROJECT_DIR" && mvn -B -q -DskipTests "$@" package) || die "build failed"
  [ -f "$JAR" ] || die "build produced no $JAR"
}
