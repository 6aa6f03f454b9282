# syntax=docker/dockerfile:1
#
# mailroute: one image, two processes.
#   API (default):  node --import tsx api/server.ts     (PORT, default 3000; GET /health)
#   worker:         node --import tsx worker.ts         (HEALTH_PORT, default 3001; GET /health)
# TypeScript runs through tsx at run time, so there is no compile step: the build only installs
# the dependencies, generates the Prisma client and builds the web client.
#
# Debian (glibc) rather than Alpine: @temporalio/core-bridge ships native builds for glibc Linux
# only (x86_64 and aarch64), none for musl.
ARG NODE_IMAGE=node:24.22.3-bookworm-slim

# ---- everything, dev dependencies included: generates the Prisma client ----
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
# --ignore-scripts mirrors package.json's allowScripts (every install script is off): the
# Prisma engines' postinstall would otherwise download binaries that `generate` does not use.
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY prisma.config.ts ./
COPY prisma ./prisma
# `prisma generate` needs no schema engine (the schema is read by the bundled wasm); pointing the
# variable at /bin/true stops the CLI from looking for or downloading one.
ENV PRISMA_SCHEMA_ENGINE_BINARY=/bin/true \
    CHECKPOINT_DISABLE=1
RUN npx prisma generate
# The web client (served by the API at /app), built with Vite from web/ and the domain types and renderers it shares.
COPY web ./web
COPY domain ./domain
RUN npx vite build --config web/vite.config.mts

# ---- production dependencies only ----
FROM ${NODE_IMAGE} AS prod-deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund \
    && npm cache clean --force

# ---- runtime ----
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production
WORKDIR /app
# Owned by root and not writable by the app user: the process cannot rewrite its own code.
COPY --from=prod-deps /app/node_modules ./node_modules
COPY --from=build /app/generated ./generated
COPY . .
COPY --from=build /app/dist/web ./dist/web
# The official image's unprivileged user (uid 1000).
USER node
EXPOSE 3000 3001
CMD ["node", "--import", "tsx", "api/server.ts"]
