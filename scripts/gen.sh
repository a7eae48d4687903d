#!/usr/bin/env bash
# Rebuilds packages/proto/src/gen (TypeScript messages and grpc-js services, plus the
# descriptor set that server reflection serves, with buf's source info: the proto comments
# that `grpcurl describe` shows) from proto/ and the vendored googleapis.
set -euo pipefail
cd "$(dirname "$0")/.."
rm -rf packages/proto/src/gen
npx buf lint
npx buf generate
npx buf build --as-file-descriptor-set -o packages/proto/src/gen/descriptors.binpb
