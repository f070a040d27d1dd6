#!/usr/bin/env bash
# The image's commands, from a production-shaped install: package.json, the lock file, dist/ and
# the build check, `npm ci --omit=dev` (no src/), NODE_ENV=production, against a fresh
# PostgreSQL database. The same npm script names as in a checkout: migration:show|run|revert and
# `cli -- create-admin`; then the service itself starts on that database (MIGRATIONS_RUN=false),
# and the admin the CLI created signs in and lists users.
# Usage: .ci/production-install.sh <postgres URL of a maintenance database> <redis URL>
set -euo pipefail
cd "$(dirname "$0")/.."
PG_URL=$1
REDIS_URL_CI=$2
PORT_CI=3998

fail() { echo "production install: $*" >&2; exit 1; }

dir=$(mktemp -d)
db="auth_ci_prod_$$"
server_pid=
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
  psql "$PG_URL" -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1 || true
  rm -rf "$dir"
}
trap cleanup EXIT

mkdir "$dir/scripts"
cp package.json package-lock.json "$dir/"
cp scripts/build-if-needed.js "$dir/scripts/"
cp -r dist "$dir/dist"
(cd "$dir" && npm ci --omit=dev --no-audit --no-fund --loglevel=error)
[ ! -e "$dir/src" ] || fail "src/ is present: not a production-shaped install"

psql "$PG_URL" -qc "CREATE DATABASE $db"
key=$(openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 2>/dev/null)
export NODE_ENV=production NO_COLOR=1 FORCE_COLOR=0
export DATABASE_URL="${PG_URL%/*}/$db"
export REDIS_URL="$REDIS_URL_CI" REDIS_KEY_PREFIX="ciprod$$:"
export API_KEY_PEPPER=$(openssl rand -base64 48) TOKEN_SECRET=$(openssl rand -base64 48)
export JWT_PRIVATE_KEYS="$key"
export SMTP_URL=smtp://127.0.0.1:2525 SMTP_ALLOW_PLAINTEXT=true
export APP_URL="http://127.0.0.1:$PORT_CI" PORT=$PORT_CI MIGRATIONS_RUN=false LOG_LEVEL=warn
cd "$dir"

npm run --silent migration:show >"$dir/show-before"
grep -q '^\[ \] CreateUsers' "$dir/show-before" || { cat "$dir/show-before"; fail "migration:show did not list CreateUsers as pending"; }
npm run --silent migration:run >"$dir/run" 2>&1 || { cat "$dir/run"; fail "migration:run failed"; }
npm run --silent migration:show >"$dir/show-after"
if grep -q '^\[ \]' "$dir/show-after"; then cat "$dir/show-after"; fail "migrations still pending after migration:run"; fi
last=$(tail -n 1 "$dir/show-after" | sed 's/^\[X\] [0-9]* //')

password="Ci-$(openssl rand -hex 12)"
out=$(printf '%s\n' "$password" | npm run --silent cli -- create-admin --email ci-admin@example.com)
case "$out" in "Created admin ci-admin@example.com ("*) ;; *) fail "create-admin printed: $out" ;; esac

node dist/main.js >"$dir/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 120); do curl -fsS "http://127.0.0.1:$PORT_CI/health/ready" >/dev/null 2>&1 && break; sleep 0.5; done
curl -fsS "http://127.0.0.1:$PORT_CI/health/ready" >/dev/null || { cat "$dir/server.log"; fail "the service did not become ready"; }
login=$(curl -sS -X POST "http://127.0.0.1:$PORT_CI/api/v1/auth/login" -H 'content-type: application/json' \
  -d "{\"email\":\"ci-admin@example.com\",\"password\":\"$password\"}")
token=$(printf '%s' "$login" | node -e 'let s="";process.stdin.on("data",(d)=>(s+=d)).on("end",()=>process.stdout.write(JSON.parse(s).accessToken??""))')
[ -n "$token" ] || fail "the admin created by the CLI could not sign in: $login"
status=$(curl -sS -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT_CI/api/v1/admin/users" -H "authorization: Bearer $token")
[ "$status" = 200 ] || fail "GET /api/v1/admin/users as that admin answered $status"
kill "$server_pid"; wait "$server_pid" 2>/dev/null || true; server_pid=

npm run --silent migration:revert >"$dir/revert" 2>&1 || { cat "$dir/revert"; fail "migration:revert failed"; }
npm run --silent migration:show >"$dir/show-reverted"
grep -q "^\[ \] $last\$" "$dir/show-reverted" || { cat "$dir/show-reverted"; fail "migration:revert did not undo $last"; }
echo "production install: migration:show/run/revert and cli create-admin ran from dist/ with no src/; the service started on that schema and the CLI's admin signed in"
