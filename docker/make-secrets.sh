#!/bin/sh
# The token issuer's side of the compose stack, run once on the host (after `pnpm install && pnpm build`):
# an Ed25519 key pair and one 30-day relay token per user, the TLS certificates and the monitoring tokens,
# in docker/secrets/ (git-ignored).
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
# TLS between backends, the relay proxy and the relays: a throwaway CA (its key stays on this host) and
# one certificate for every relay name. Kept across runs; delete docker/secrets/relay-tls.* to renew.
if [ ! -f "$dir/relay-tls.crt" ]; then
  openssl req -x509 -newkey rsa:2048 -nodes -days 825 -subj "/CN=Portfolio Planner relay CA" \
    -keyout "$dir/relay-ca.key" -out "$dir/relay-ca.crt" 2>/dev/null
  openssl req -newkey rsa:2048 -nodes -subj "/CN=relay" \
    -keyout "$dir/relay-tls.key" -out "$dir/relay-tls.csr" 2>/dev/null
  printf 'subjectAltName=DNS:relay-proxy,DNS:relay-1,DNS:relay-2,DNS:localhost,IP:127.0.0.1\n' > "$dir/relay-tls.ext"
  openssl x509 -req -in "$dir/relay-tls.csr" -CA "$dir/relay-ca.crt" -CAkey "$dir/relay-ca.key" \
    -CAcreateserial -days 825 -extfile "$dir/relay-tls.ext" -out "$dir/relay-tls.crt" 2>/dev/null
  rm -f "$dir/relay-tls.csr" "$dir/relay-tls.ext"
fi
# Monitoring: the relays' operator token and the backends' scrape-only metrics token (Prometheus holds
# both), and Grafana's admin password. Kept across runs; delete a file to renew it.
for f in operator-token metrics-token grafana-admin-password; do
  [ -f "$dir/$f" ] || openssl rand -hex 24 > "$dir/$f"
done
# The containers run as `node` (Prometheus as `nobody`): the mounted files must be readable there
# (compose mounts them as is).
chmod 644 "$dir/collab-token-a" "$dir/collab-token-b" "$dir/relay-key.pem.pub" \
  "$dir/relay-ca.crt" "$dir/relay-tls.crt" "$dir/relay-tls.key" \
  "$dir/operator-token" "$dir/metrics-token" "$dir/grafana-admin-password"
echo "secrets written to $dir (relay-key.pem stays on this host)"
