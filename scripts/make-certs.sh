#!/usr/bin/env bash
# Creates a development CA and a server certificate for localhost (and the compose service names)
# under certs/, unless they exist. Keys never leave this machine: certs/ is git-ignored but for README.
set -euo pipefail
dir="${1:-$(dirname "$0")/../certs}"
mkdir -p "$dir"
cd "$dir"
if [ -f ca.crt ] && [ -f server.crt ] && [ -f server.key ]; then exit 0; fi
command -v openssl >/dev/null || { echo "openssl is missing: apt-get install -y openssl" >&2; exit 1; }
openssl req -x509 -newkey rsa:2048 -nodes -days 825 -subj "/CN=order-backend dev CA" \
  -keyout ca.key -out ca.crt 2>/dev/null
openssl req -newkey rsa:2048 -nodes -subj "/CN=localhost" -keyout server.key -out server.csr 2>/dev/null
cat > server.ext <<'EXT'
subjectAltName = DNS:localhost, IP:127.0.0.1, IP:::1, DNS:checkout, DNS:loms, DNS:notifications, DNS:products
extendedKeyUsage = serverAuth
EXT
openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 825 \
  -extfile server.ext -out server.crt 2>/dev/null
rm -f server.csr server.ext ca.srl
chmod 644 server.key ca.crt server.crt
echo "made dev certificates in $(pwd)"
