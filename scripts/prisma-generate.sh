#!/usr/bin/env bash
# `prisma generate` needs no schema engine, but the CLI insists on finding one: point it at any file.
# (It would otherwise try to download the engine, which fails offline.) The client uses @prisma/adapter-pg.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export PRISMA_SCHEMA_ENGINE_BINARY="${PRISMA_SCHEMA_ENGINE_BINARY:-$(type -P true)}"
export PRISMA_HIDE_UPDATE_MESSAGE=1
exec npx --no-install prisma generate
