#!/bin/sh
# The token issuer's side of the compose stack, run once on the host (after `pnpm install && pnpm build`):
# an Ed25519 key pair and one 30-day relay token per user, in docker/secrets/ (git-ignored).
# The relays get only relay-key.pem.pub; each backend only its own token. Run it again to rotate the
# tokens (within 30 days), then `docker compose restart backend-a backend-b`.
set -eu
cd "$(dirname "$0")/.."
dir=docker/secrets
token="node apps/collab/dist/token.js"
mkdir -p "$dir"
chmod 700 "$dir"
[ -f "$dir/relay-key.pem" ] || $token --generate-key "$dir/relay-key.pem"
umask 077
$token --key "$dir/relay-key.pem" --user 00000000-0000-0000-0000-000000000001 --name "User A" > "$dir/collab-token-a"
$token --key "$dir/relay-key.pem" --user 00000000-0000-0000-0000-000000000002 --name "User B" > "$dir/collab-token-b"
# The containers run as `node`: the mounted token files must be readable there (compose mounts them as is).
chmod 644 "$dir/collab-token-a" "$dir/collab-token-b" "$dir/relay-key.pem.pub"
echo "secrets written to $dir (relay-key.pem stays on this host)"
