#!/usr/bin/env bash
# Builds tools/kafka-mock/kafka_mock.c into build/kafka-mock (only when missing or stale).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
src="$root/tools/kafka-mock/kafka_mock.c"
out="$root/build/kafka-mock"
hint="install Debian packages: apt-get install -y librdkafka-dev gcc"

if ! command -v cc >/dev/null 2>&1; then
  echo "kafka-mock: C compiler 'cc' not found; $hint" >&2
  exit 1
fi
if [ ! -f /usr/include/librdkafka/rdkafka_mock.h ]; then
  echo "kafka-mock: /usr/include/librdkafka/rdkafka_mock.h not found; $hint" >&2
  exit 1
fi

if [ -x "$out" ] && [ "$out" -nt "$src" ]; then
  exit 0
fi

mkdir -p "$root/build"
tmp="$out.tmp.$$"
trap 'rm -f "$tmp"' EXIT
cc -std=c99 -O2 -Wall -Wextra -o "$tmp" "$src" -lrdkafka
mv -f "$tmp" "$out"
echo "kafka-mock: built $out" >&2
