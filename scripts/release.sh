#!/usr/bin/env bash
# Builds a release of extriage into DIST (default dist/):
#   extriage_<version>_<os>_<arch>[.exe]  static binaries (no cgo) for
#       windows/amd64, windows/arm64, linux/amd64, linux/arm64, darwin/arm64,
#       with the version stamped into "extriage version";
#   SHA256SUMS                            their SHA-256, as sha256sum writes it;
#   Exchange.Windows.Extriage.yaml        the Velociraptor artifact with each
#       tool pinned to its binary's URL, version and hash.
#
# Usage: scripts/release.sh VERSION [DIST]
#   VERSION  a semantic version with a leading v, e.g. v1.2.0
#   EXTRIAGE_RELEASE_URL  where the files will be downloaded from (default:
#            the project's GitHub release of VERSION)
set -euo pipefail
cd "$(dirname "$0")/.."

version=${1:-}
dist=${2:-dist}
if [[ ! $version =~ ^v[0-9]+\.[0-9]+\.[0-9]+([-+][0-9A-Za-z.-]+)?$ ]]; then
  echo "usage: scripts/release.sh VERSION [DIST], VERSION like v1.2.0 (got '${version}')" >&2
  exit 2
fi
base_url=${EXTRIAGE_RELEASE_URL:-https://github.com/extriage/extriage/releases/download/$version}

rm -rf "$dist"
mkdir -p "$dist"
for target in windows/amd64 windows/arm64 linux/amd64 linux/arm64 darwin/arm64; do
  os=${target%/*} arch=${target#*/}
  name="extriage_${version}_${os}_${arch}"
  [[ $os == windows ]] && name+=".exe"
  echo "building $name"
  # -trimpath: no build machine's paths in the binary; -s -w: no symbol
  # tables, a smaller download. CGO_ENABLED=0 makes it static.
  CGO_ENABLED=0 GOOS=$os GOARCH=$arch go build -trimpath \
    -ldflags "-s -w -X main.version=$version" -o "$dist/$name" ./cmd/extriage
done

if command -v sha256sum >/dev/null 2>&1; then
  (cd "$dist" && sha256sum extriage_* > SHA256SUMS)
else
  (cd "$dist" && shasum -a 256 extriage_* > SHA256SUMS) # macOS
fi

go run ./scripts/pinartifact -version "$version" -sums "$dist/SHA256SUMS" -url "$base_url" \
  contrib/velociraptor/Exchange.Windows.Extriage.yaml > "$dist/Exchange.Windows.Extriage.yaml"

echo "release $version in $dist:"
cat "$dist/SHA256SUMS"
