#!/usr/bin/env bash
# Creates the development trust material under certs/, filling in whatever is missing: a CA, a server
# certificate for localhost (and the compose service names), client certificates for the identities that
# may call LOMS (CN = identity) and the ES256 pair that signs dev shopper tokens. Keys are git-ignored.
set -euo pipefail
dir="${1:-$(dirname "$0")/../certs}"
mkdir -p "$dir/clients" "$dir/jwt"
cd "$dir"
command -v openssl >/dev/null || { echo "openssl is missing: apt-get install -y openssl" >&2; exit 1; }
made=()

if [ ! -f ca.crt ] || [ ! -f ca.key ]; then
  openssl req -x509 -newkey rsa:2048 -nodes -days 825 -subj "/CN=order-backend dev CA" \
    -keyout ca.key -out ca.crt 2>/dev/null
  # Everything signed by an older CA is no longer trusted.
  rm -f server.crt server.key clients/*.crt clients/*.key
  made+=(ca)
fi

# issue NAME CN EXTENSIONS: a key and a certificate signed by the dev CA.
issue() {
  local name=$1 cn=$2 ext=$3
  [ -f "$name.crt" ] && [ -f "$name.key" ] && return 0
  openssl req -newkey rsa:2048 -nodes -subj "/CN=$cn" -keyout "$name.key" -out "$name.csr" 2>/dev/null
  printf '%s\n' "$ext" > "$name.ext"
  openssl x509 -req -in "$name.csr" -CA ca.crt -CAkey ca.key -CAcreateserial -days 825 \
    -extfile "$name.ext" -out "$name.crt" 2>/dev/null
  rm -f "$name.csr" "$name.ext"
  made+=("$name")
}

issue server localhost "subjectAltName = DNS:localhost, IP:127.0.0.1, IP:::1, DNS:checkout, DNS:loms, DNS:notifications, DNS:products
extendedKeyUsage = serverAuth"
for identity in checkout payments admin; do
  issue "clients/$identity" "$identity" "extendedKeyUsage = clientAuth"
done
rm -f ca.srl

if [ ! -f jwt/signing.key ] || [ ! -f jwt/signing.pub ]; then
  openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out jwt/signing.key 2>/dev/null
  openssl pkey -in jwt/signing.key -pubout -out jwt/signing.pub 2>/dev/null
  made+=(jwt/signing)
fi

# Readable by the unprivileged users that run the services in compose; this is dev material only.
chmod 644 ca.crt server.crt server.key clients/*.crt clients/*.key jwt/signing.key jwt/signing.pub
if [ ${#made[@]} -gt 0 ]; then echo "made dev certificates in $(pwd): ${made[*]}" >&2; fi
