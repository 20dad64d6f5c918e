#!/usr/bin/env bash
# Synthesise every environment in config/ with cdk-nag; any finding or config error fails.
set -euo pipefail
cd "$(dirname "$0")/.."
export CDK_DISABLE_CLI_TELEMETRY=true
for file in config/*.json; do
  env=$(basename "$file" .json)
  echo "synth FleetWatch-$env (cdk-nag AwsSolutions)"
  npx cdk synth --quiet -c env="$env" -o "cdk.out/$env" >/dev/null
  echo "  -> cdk.out/$env/FleetWatch-$env.template.json"
done
