/**
 * `npx fleetwatch preflight -c env=<name> [--endpoint-url URL]`: read-only checks, with the
 * caller's AWS credentials, of what a deploy needs but the template cannot show (cli/preflight/
 * checks.ts). One row per check; exit code 1 when any check fails.
 */
import { ConfigError } from "../core/config/config-error";
import { loadConfig } from "../lib/config/load";
import { awsAdapters, type PreflightAws } from "./preflight/aws";
import { type CheckRow, runChecks } from "./preflight/checks";

export const PREFLIGHT_USAGE = `Usage: fleetwatch preflight -c env=<name> [--endpoint-url URL]
  Read-only AWS checks before a deploy: secrets, subnets and routes, chat authorisations,
  telemetry store, Lambda concurrency, CDK bootstrap. Exit 1 on any fail.
`;

export interface PreflightIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
}

export async function preflight(argv: readonly string[], io: PreflightIo, makeAws = awsAdapters): Promise<number> {
  let envName: string | undefined;
  let endpoint: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "-c" || arg === "--context") {
      const m = /^env=(.+)$/.exec(argv[++i] ?? "");
      if (!m) return usage(io, "-c takes env=<name>");
      envName = m[1];
    } else if (arg === "--endpoint-url") endpoint = argv[++i];
    else return usage(io, `unknown argument ${JSON.stringify(arg)}`);
  }
  if (!envName) return usage(io, "-c env=<name> is required");
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig(envName);
  } catch (err) {
    if (err instanceof ConfigError) {
      io.stderr(`${err.message}\n`);
      return 2;
    }
    throw err;
  }
  const aws: PreflightAws = makeAws(config.region, endpoint);
  const rows = await runChecks(config, aws);
  io.stdout(render(rows));
  const failed = rows.filter((r) => r.status === "fail").length;
  io.stdout(`preflight env=${config.name} checks=${rows.length} failed=${failed}\n`);
  return failed > 0 ? 1 : 0;
}

function render(rows: readonly CheckRow[]): string {
  const width = Math.max(...rows.map((r) => r.check.length));
  return rows
    .map((r) => `${r.status === "ok" ? "ok  " : "FAIL"}  ${r.check.padEnd(width)}  ${r.detail}${r.fix ? `\n      fix: ${r.fix}` : ""}\n`)
    .join("");
}

function usage(io: PreflightIo, problem: string): number {
  io.stderr(`${problem}\n\n${PREFLIGHT_USAGE}`);
  return 2;
}
