#!/usr/bin/env bash
# A tour of safesm against a local Secrets Manager emulator on 127.0.0.1.
# Nothing here talks to AWS: fake credentials, and the endpoint is the emulator.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
port=$("$BIN/python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
work=$(mktemp -d)
"$BIN/python" tests/emulator.py -H 127.0.0.1 -p "$port" >"$work/emulator.log" 2>&1 &
emu=$!
trap 'kill $emu 2>/dev/null; rm -rf "$work"' EXIT
export AWS_ENDPOINT_URL="http://127.0.0.1:$port" AWS_REGION=us-east-1
export AWS_ACCESS_KEY_ID=demo AWS_SECRET_ACCESS_KEY=demo AWS_EC2_METADATA_DISABLED=true
export AWS_CONFIG_FILE="$work/config" AWS_SHARED_CREDENTIALS_FILE="$work/credentials"
for _ in $(seq 100); do
  "$BIN/python" -c "import urllib.request; urllib.request.urlopen('$AWS_ENDPOINT_URL/moto-api/')" 2>/dev/null && break
  sleep 0.1
done
safesm() { "$BIN/safesm" "$@"; }
# Bold commands on a terminal only: piped or logged, the demo is plain text.
if [ -t 1 ]; then bold=$'\033[1m' plain=$'\033[0m'; else bold='' plain=''; fi
step() { printf '\n%s$ %s%s\n' "$bold" "$*" "$plain"; }

step "printf 's3cr3t-from-a-pipe\n' | safesm put demo/db"
printf 's3cr3t-from-a-pipe\n' | safesm put demo/db
step "safesm policy show demo/db      # every new secret gets a least-privilege policy"
safesm policy show demo/db
step "safesm get demo/db | wc -c      # exact bytes to a pipe: the newline was stripped on input"
safesm get demo/db | wc -c
step "safesm list"
safesm list
step "safesm put demo/db hunter2      # a value on argv is refused, never echoed"
safesm put demo/db hunter2 || echo "(exit $?)"
step "echo new | safesm put demo/db   # overwriting from a script needs --force"
echo new | safesm put demo/db || echo "(exit $?)"
step "echo new | safesm put demo/db --force"
echo new | safesm put demo/db --force
step "safesm versions demo/db"
safesm versions demo/db
printf '\nDone: the emulator is stopped and its data is gone.\n'
