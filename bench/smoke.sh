#!/usr/bin/env bash
# The seed's post-deploy smoke script, as it was: curl /healthz and /readyz, grep /metrics.
# Kept as bench/smoke.ts's baseline. Usage: bench/smoke.sh http://127.0.0.1:8080
set -euo pipefail
base="${1:?usage: smoke.sh <base url>}"
curl -fsS "$base/healthz" > /dev/null
curl -fsS "$base/readyz" > /dev/null
curl -fsS "$base/metrics" | grep http_requests_total > /dev/null
echo "smoke ok"
