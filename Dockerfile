# One image for every service of the order backend (and the one-shot migrate job); compose picks the
# process with `command:`. Build from the repo root: docker build -t order-backend .
# Each service runs as its esbuild bundle (services/<name>/dist, made by scripts/build-services.ts as in
# development); the one-shot migrate and seed scripts run through tsx.

# Stage 1: dependencies only, so that editing source does not reinstall them.
FROM node:24-bookworm-slim AS deps
WORKDIR /app
# Every workspace's package.json (npm needs them to link the workspaces); deployments/test checks the list.
COPY package.json package-lock.json .npmrc ./
COPY packages/platform/package.json packages/platform/
COPY packages/proto/package.json packages/proto/
COPY packages/testkit/package.json packages/testkit/
COPY services/checkout/package.json services/checkout/
COPY services/loms/package.json services/loms/
COPY services/notifications/package.json services/notifications/
COPY services/products/package.json services/products/
# `npm install`, not `npm ci`: the lockfile records only the optional packages of the platform it was made on.
# Dev dependencies stay: esbuild bundles the services, tsx runs the scripts, node-pg-migrate runs the migrations.
RUN npm install --no-audit --no-fund && npm cache clean --force

# Stage 2: the runtime image, dependencies plus source, as the unprivileged `node` user.
FROM node:24-bookworm-slim AS runtime
ENV NODE_ENV=production \
    LOG_LEVEL=info \
    GRPC_HOST=0.0.0.0
WORKDIR /app
COPY --from=deps --chown=node:node /app /app
COPY --chown=node:node . .
# Built before USER node: the services' user cannot rewrite the bundles it runs.
RUN node --import tsx scripts/build-services.ts
USER node
# gRPC (TLS) and admin HTTP ports of checkout, loms, notifications, products.
EXPOSE 50051 50052 50053 50054 8081 8082 8083 8084
# compose overrides this per service; the default starts Checkout.
CMD ["node", "--enable-source-maps", "--max-old-space-size=128", "services/checkout/dist/main.js"]
