#!/usr/bin/env bash
# What the test suite needs beyond npm packages, from Debian's packages and only when missing:
# openssl (self-signed certificates for the local HTTPS fakes), chromium (dashboard previews),
# victoria-metrics and influxdb (the real time-series databases the InfluxDB sink's tests write
# to; the tests start and stop them on 127.0.0.1 with temporary data directories).
# kinesalite, dynalite and the HTTPS/JSON fakes are npm packages or our own code, started by the tests.
# apt-get runs under `flock /tmp/apt.lock` when flock exists: other jobs on the machine may run apt too.
set -euo pipefail
cd "$(dirname "$0")/.."

apt_install() {
  export DEBIAN_FRONTEND=noninteractive
  local lock=()
  if command -v flock >/dev/null 2>&1; then lock=(flock /tmp/apt.lock); fi
  echo "setup-test-deps: installing $* with apt-get" >&2
  "${lock[@]}" apt-get update -qq
  # policy-rc.d: a package's maintainer script must not start its daemon here (the tests start
  # their own instance on a random port); the file is removed again afterwards.
  local policy=/usr/sbin/policy-rc.d created=0
  if [ ! -e "$policy" ]; then printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod +x "$policy" && created=1; fi
  "${lock[@]}" apt-get install -y -qq --no-install-recommends "$@" >/dev/null || { [ "$created" = 1 ] && rm -f "$policy"; exit 1; }
  if [ "$created" = 1 ]; then rm -f "$policy"; fi
}

missing=()
command -v openssl >/dev/null 2>&1 || missing+=(openssl)
# VictoriaMetrics: accepts InfluxDB line protocol on /api/v2/write, exports what it stored.
command -v victoria-metrics >/dev/null 2>&1 || missing+=(victoria-metrics)
# InfluxDB 1.x (Debian bookworm: 1.6.7): its /write parses line protocol strictly.
command -v influxd >/dev/null 2>&1 || missing+=(influxdb)
if [ "${#missing[@]}" -gt 0 ]; then apt_install "${missing[@]}"; fi
bash scripts/ensure-chromium.sh
