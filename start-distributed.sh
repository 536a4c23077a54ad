#!/usr/bin/env bash
# Starts the relay and two user stacks (see scripts/README.md). Options are passed on, e.g.
#   ./start-distributed.sh --users 3      ./start-distributed.sh --prod
set -euo pipefail
cd "$(dirname "$0")"
if [ ! -d node_modules ]; then
  echo "Dependencies are not installed: run pnpm install first." >&2
  exit 1
fi
exec node --import tsx scripts/dev-distributed.ts "$@"
