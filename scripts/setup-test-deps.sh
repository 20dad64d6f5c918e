#!/usr/bin/env bash
# What the test suite needs beyond npm packages, from Debian's packages and only when missing:
# openssl (self-signed certificates for the local HTTPS fakes) and chromium (dashboard previews).
# kinesalite, dynalite and the HTTPS/JSON fakes are npm packages or our own code, started by the tests.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v openssl >/dev/null 2>&1; then
  echo "setup-test-deps: installing openssl with apt-get" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq --no-install-recommends openssl >/dev/null
fi
bash scripts/ensure-chromium.sh
