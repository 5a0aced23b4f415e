#!/usr/bin/env bash
# Builds a real program as a static x86_64 binary from its Debian 12 (bookworm) source package,
# for the application boot tests. The sources come from deb.debian.org through apt-get with a
# private deb-src list (the machine's own apt configuration is left alone); the download, the
# unpacked tree and the build are cached under CACHE so that a second run does nothing.
#
#   tests/apps/debian_app.sh CACHE PACKAGE
#
# The recipe tests/apps/recipes/PACKAGE.sh is sourced in the unpacked source tree with
#   SRC  the unpacked source tree (the current directory)
#   OUT  CACHE/PACKAGE/bin, where the recipe puts the binaries it builds
#   JOBS the number of parallel make jobs
# and must leave at least one file in OUT. It runs only when OUT/.built is missing, and the
# script fails (status 1, with the reason on stderr) when the download or the build fails.
set -euo pipefail

die() { echo "debian_app: $*" >&2; exit 1; }
[[ $# -eq 2 ]] || { echo "usage: $0 CACHE PACKAGE" >&2; exit 2; }
cache=$(mkdir -p "$1" && cd "$1" && pwd)
package=$2
recipe=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/recipes/$package.sh
[[ -f $recipe ]] || die "no recipe $recipe"

work=$cache/$package
out=$work/bin
[[ -e $work && ! -d $work ]] && rm -f "$work"  # a binary left there by an older layout
mkdir -p "$work"
# One build at a time per package (CTest may start several tests that need it at once).
exec 9>"$work/.lock"
flock 9
if [[ -f $out/.built && $out/.built -nt $recipe ]]; then
  exit 0
fi

# apt-get with a deb-src list and an index of its own: nothing under /etc/apt or /var/lib/apt
# is read for sources or written.
apt_dir=$cache/apt
mkdir -p "$apt_dir/lists/partial" "$apt_dir/cache/archives/partial"
cat >"$apt_dir/debian-src.sources" <<SOURCES
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: bookworm
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SOURCES
apt_options=(
  -o "Dir::Etc::SourceList=$apt_dir/debian-src.sources"
  -o Dir::Etc::SourceParts=/dev/null
  -o "Dir::State::Lists=$apt_dir/lists"
  -o "Dir::Cache=$apt_dir/cache"
  -o APT::Sandbox::User=root
  -qq
)
command -v dpkg-source >/dev/null || die "dpkg-source is missing (Debian: dpkg-dev; run scripts/install-deps.sh)"

download=$work/download
if ! compgen -G "$download/*.dsc" >/dev/null; then
  if ! compgen -G "$apt_dir/lists/*Sources*" >/dev/null; then
    echo "debian_app: fetching the bookworm source index" >&2
    apt-get "${apt_options[@]}" update </dev/null ||
      die "apt-get update with $apt_dir/debian-src.sources failed (is deb.debian.org reachable?)"
  fi
  rm -rf "$download.partial"
  mkdir -p "$download.partial"
  echo "debian_app: downloading the source package $package" >&2
  (cd "$download.partial" && apt-get "${apt_options[@]}" source --download-only "$package" </dev/null) ||
    die "apt-get source --download-only $package failed"
  compgen -G "$download.partial/*.dsc" >/dev/null || die "apt-get source $package left no .dsc"
  rm -rf "$download"
  mv "$download.partial" "$download"
fi

dsc=$(ls "$download"/*.dsc | head -n 1)
src=$work/src
rm -rf "$src" "$out"
dpkg-source --no-check -x "$dsc" "$src" >"$work/extract.log" 2>&1 ||
  die "dpkg-source -x $dsc failed: $(tail -n 5 "$work/extract.log")"
mkdir -p "$out"

echo "debian_app: building $package ($(basename "$dsc" .dsc)); log in $work/build.log" >&2
if ! (cd "$src" && SRC=$src OUT=$out JOBS=${JOBS:-$(nproc)} && export SRC OUT JOBS &&
      set -euo pipefail && source "$recipe") >"$work/build.log" 2>&1; then
  tail -n 30 "$work/build.log" >&2
  die "building $package failed (full log: $work/build.log)"
fi
[[ -n $(ls -A "$out") ]] || die "the $package recipe built nothing into $out"
basename "$dsc" .dsc >"$out/.built"
echo "debian_app: $package built: $(ls "$out" | tr '\n' ' ')" >&2
