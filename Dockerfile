# One image for every service of the order backend and its one-shot jobs (migrate, seed); compose picks the
# process with `command:`. Build from the repo root: docker build -t order-backend .
# Everything runs as an esbuild bundle made by scripts/build-services.ts as in development (`make build`): the
# services from services/<name>/dist, the jobs and the health probe from build/jobs. The runtime stage holds
# those bundles, the production dependencies, data/ and migrations/, all root's: the `node` user reads them only.

# Stage 1: every dependency (esbuild, tsx), then the bundles.
FROM node:24-bookworm-slim AS build
WORKDIR /app
# Every workspace's package.json (npm needs them to link the workspaces); deployments/test checks the list.
COPY package.json package-lock.json .npmrc ./
COPY packages/devstack/package.json packages/devstack/
COPY packages/platform/package.json packages/platform/
COPY packages/proto/package.json packages/proto/
COPY packages/testkit/package.json packages/testkit/
COPY services/checkout/package.json services/checkout/
COPY services/loms/package.json services/loms/
COPY services/notifications/package.json services/notifications/
COPY services/products/package.json services/products/
# The lockfile records the optional packages of every platform (esbuild's binaries among them): npm ci takes this one's.
RUN npm ci --no-audit --no-fund
COPY . .
RUN node --import tsx scripts/build-services.ts

# Stage 2: production dependencies only: the root's (node-pg-migrate, for the migrate job), the platform's and the
# services'; not the dev stack's (embedded PostgreSQL), the test kit's or any dev tool's. The workspaces themselves
# are inside the bundles, so their links go.
FROM node:24-bookworm-slim AS production-deps
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
COPY packages/devstack/package.json packages/devstack/
COPY packages/platform/package.json packages/platform/
COPY packages/proto/package.json packages/proto/
COPY packages/testkit/package.json packages/testkit/
COPY services/checkout/package.json services/checkout/
COPY services/loms/package.json services/loms/
COPY services/notifications/package.json services/notifications/
COPY services/products/package.json services/products/
RUN npm ci --omit=dev --no-audit --no-fund --include-workspace-root \
      --workspace=packages/platform --workspace=packages/proto \
      --workspace=services/checkout --workspace=services/loms \
      --workspace=services/notifications --workspace=services/products \
  && rm -rf node_modules/@shop \
  && npm cache clean --force

# Stage 3: the runtime image, as the unprivileged `node` user. COPY without --chown leaves every file root's.
FROM node:24-bookworm-slim AS runtime
# HEALTH_*: the client certificate the health probe presents (LOMS demands one) and the CA it trusts, from the
# certs/ that compose mounts at /certs. The probe asks 127.0.0.1:$GRPC_PORT.
ENV NODE_ENV=production \
    LOG_LEVEL=info \
    GRPC_HOST=0.0.0.0 \
    HEALTH_CA_FILE=/certs/ca.crt \
    HEALTH_CLIENT_CERT_FILE=/certs/clients/admin.crt \
    HEALTH_CLIENT_KEY_FILE=/certs/clients/admin.key
WORKDIR /app
COPY --from=production-deps /app/node_modules node_modules
COPY --from=build /app/services/checkout/dist services/checkout/dist
COPY --from=build /app/services/loms/dist services/loms/dist
COPY --from=build /app/services/notifications/dist services/notifications/dist
COPY --from=build /app/services/products/dist services/products/dist
COPY --from=build /app/build/jobs build/jobs
COPY data data
COPY migrations migrations
USER node
# gRPC (TLS) and admin HTTP ports of checkout, loms, notifications, products.
EXPOSE 50051 50052 50053 50054 8081 8082 8083 8084
# grpc.health.v1.Health/Check over TLS with the client certificate; compose checks its services on /readyz instead.
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=3 CMD ["node", "build/jobs/grpc-health.js"]
# compose overrides this per service; the default starts Checkout.
CMD ["node", "--enable-source-maps", "--max-old-space-size=128", "--max-semi-space-size=8", "services/checkout/dist/main.js"]
