/**
 * `fleetwatch probe https://HOST [--user U --password-env VAR] [--ca FILE | --insecure] [--json]`
 *
 * Polls one BMC with exactly the poller's code (client, discovery, normaliser) and prints what
 * FleetWatch would record: a readable table, or with --json exactly one snapshot document on
 * stdout. The password is read from an environment variable and never printed.
 */
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import type { Component } from "../core/snapshot";
import { type PolledSnapshot, pollBmc } from "../lambdas/redfish-poller/poll-bmc";
import { createBmcAgent } from "../lambdas/redfish-poller/redfish-client";

export const PROBE_USAGE = `Usage: fleetwatch probe https://HOST[:PORT] [options]

  --user U              BMC user name
  --password-env VAR    name of the environment variable holding the password (default FLEETWATCH_BMC_PASSWORD)
  --auth session|basic  session (default; one session, deleted at the end) or HTTP Basic
  --ca FILE             PEM CA bundle that signed the BMC's certificate
  --insecure            skip certificate verification (prints a warning)
  --timeout MS          per-request timeout (default 5000)
  --json                print exactly one snapshot document (JSON) on stdout
`;

export interface ProbeIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly env: Record<string, string | undefined>;
}

export async function probe(argv: string[], io: ProbeIo): Promise<number> {
  let args: ReturnType<typeof parse>;
  try {
    args = parse(argv);
  } catch (err) {
    io.stderr(`${(err as Error).message}\n\n${PROBE_USAGE}`);
    return 2;
  }
  const { values, positionals } = args;
  if (values.help) {
    io.stdout(PROBE_USAGE);
    return 0;
  }
  const url = positionals[0];
  if (!url || positionals.length > 1) {
    io.stderr(`give exactly one BMC URL\n\n${PROBE_USAGE}`);
    return 2;
  }
  if (!/^https:\/\/[^/\s]+\/?$/i.test(url)) {
    io.stderr(`the BMC URL must be https://HOST or https://HOST:PORT (got ${JSON.stringify(url)})\n`);
    return 2;
  }
  if (values.ca && values.insecure) {
    io.stderr("--ca and --insecure exclude each other\n");
    return 2;
  }
  const passwordVar = values["password-env"] ?? "FLEETWATCH_BMC_PASSWORD";
  const password = io.env[passwordVar];
  if (values.user && !password) {
    io.stderr(`--user given but the environment variable ${passwordVar} is empty: export the password there (it is never printed)\n`);
    return 2;
  }
  let ca: string | undefined;
  if (values.ca) {
    try {
      ca = readFileSync(values.ca, "utf8");
    } catch {
      io.stderr(`cannot read the CA bundle ${values.ca}\n`);
      return 2;
    }
  }
  if (values.insecure) io.stderr("WARNING: certificate verification is OFF (--insecure); anyone on the path can impersonate this BMC.\n");
  const auth = values.user ? ((values.auth ?? "session") as "session" | "basic") : "none";
  if (values.auth && !["session", "basic"].includes(values.auth)) {
    io.stderr("--auth must be session or basic\n");
    return 2;
  }
  const timeout = values.timeout ? Number(values.timeout) : 5_000;
  if (!Number.isFinite(timeout) || timeout < 100) {
    io.stderr("--timeout must be a number of milliseconds >= 100\n");
    return 2;
  }
  const dispatcher = createBmcAgent({ ca, insecureSkipTlsVerify: values.insecure === true });
  try {
    const bmc = url.replace(/^https:\/\//i, "").replace(/\/$/, "");
    const snapshot = await pollBmc(
      {
        environment: "probe",
        cluster: "probe",
        bmc,
        auth,
        credentials: values.user && password ? { username: values.user, password } : undefined,
      },
      { dispatcher, requestTimeoutMs: timeout, deadline: Date.now() + Math.max(30_000, timeout * 6) },
    );
    const { discovered: _d, ...document } = snapshot;
    let out = values.json ? `${JSON.stringify(document, null, 2)}\n` : renderTable(snapshot);
    // Belt and braces: the password must never reach the terminal.
    if (password) out = out.split(password).join("***");
    io.stdout(out);
    return snapshot.status === "ok" || snapshot.status === "partial" ? 0 : 1;
  } finally {
    await dispatcher.close();
  }
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      user: { type: "string" },
      "password-env": { type: "string" },
      auth: { type: "string" },
      ca: { type: "string" },
      insecure: { type: "boolean" },
      timeout: { type: "string" },
      json: { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
  });
}

const dash = "-";
const fmt = (v: unknown, unit = "") => (v === undefined || v === null ? dash : `${v}${unit}`);

function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join("  ")
      .trimEnd();
  return [line(headers), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n");
}

function of<K extends Component["kind"]>(s: PolledSnapshot, kind: K) {
  return s.components.filter((c) => c.kind === kind) as Extract<Component, { kind: K }>[];
}

export function renderTable(s: PolledSnapshot): string {
  const parts: string[] = [];
  parts.push(`BMC ${s.bmc}  status ${s.status}  requests ${s.requests}  ${s.durationMs} ms  collected ${s.collectedAt}`);
  const gpus = of(s, "gpu");
  parts.push(`\nGPUs (${gpus.length})`);
  if (gpus.length) {
    parts.push(
      table(
        ["id", "system", "name", "health", "temp", "power", "limit", "throttled", "ECC corr", "ECC uncorr"],
        gpus.map((g) => [
          g.id,
          fmt(g.system),
          fmt(g.name),
          fmt(g.health),
          fmt(g.temperatureC, " °C"),
          fmt(g.powerW, " W"),
          fmt(g.powerLimitW, " W"),
          g.throttled === undefined ? dash : g.throttled ? `yes (${(g.throttleReasons ?? []).join(", ")})` : "no",
          fmt(g.eccCorrectable),
          fmt(g.eccUncorrectable),
        ]),
      ),
    );
  }
  const temps = of(s, "temperature");
  parts.push(`\nTemperatures (${temps.length})`);
  if (temps.length) {
    parts.push(
      table(
        ["id", "reading", "caution", "critical", "health"],
        temps.map((t) => [t.id, fmt(t.temperatureC, " °C"), fmt(t.upperCautionC, " °C"), fmt(t.upperCriticalC, " °C"), fmt(t.health)]),
      ),
    );
  }
  const fans = of(s, "fan");
  parts.push(`\nFans (${fans.length}, ${fans.filter((f) => f.failed).length} failed)`);
  if (fans.length)
    parts.push(
      table(
        ["id", "rpm", "percent", "health", "failed"],
        fans.map((f) => [f.id, fmt(f.rpm), fmt(f.percent, " %"), fmt(f.health), f.failed ? "FAILED" : "no"]),
      ),
    );
  const psus = of(s, "psu");
  if (psus.length)
    parts.push(
      `\nPower supplies (${psus.length})\n${table(
        ["id", "power", "health"],
        psus.map((p) => [p.id, fmt(p.powerW, " W"), fmt(p.health)]),
      )}`,
    );
  const chassis = of(s, "chassis");
  if (chassis.length) {
    parts.push(
      `\nPower vs cap\n${table(
        ["chassis", "power", "cap", "use", "health"],
        chassis.map((c) => [
          c.id,
          fmt(c.powerW, " W"),
          c.powerLimitW === undefined ? "no cap" : `${c.powerLimitW} W`,
          c.powerW !== undefined && c.powerLimitW !== undefined ? `${Math.round((c.powerW / c.powerLimitW) * 100)} %` : dash,
          fmt(c.health),
        ]),
      )}`,
    );
  }
  parts.push(`\nProblems found (${s.problems.length})`);
  parts.push(s.problems.length ? s.problems.map((p) => `  - ${p}`).join("\n") : "  none");
  if (s.errors.length) parts.push(`\nErrors while polling (${s.errors.length})\n${s.errors.map((e) => `  - ${e}`).join("\n")}`);
  parts.push(
    `\nRequests used: ${s.requests}${s.discovered ? " (first poll: includes discovery; steady-state polls reuse the resource map)" : ""}`,
  );
  return `${parts.join("\n")}\n`;
}
