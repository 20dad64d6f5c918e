/**
 * `npm run bench:poller`: the same simulated 1,000-BMC fleet (bench/fake-fleet.ts: HTTPS fake
 * BMCs serving the captures in dev-support/redfish-captures, in their own process, with delays that
 * grow with what each answer renders and a per-BMC request limit) polled at the same global
 * concurrency (128 BMCs at a time, 2 requests at a time per BMC, 5 s request timeout, Basic
 * auth) by:
 *  1. the poller (sweep + pollBmc): a discovery sweep, then the steady-state sweep reported;
 *  2. Telegraf's request pattern (bench/peer-patterns.ts): System, Chassis, Thermal, Power;
 *  3. a stateless exporter's full walk of the resources holding GPU, thermal and power readings.
 * Bytes are what the fleet sent during each sweep, divided by the number of BMCs.
 *
 * Output: per capture, requests per steady-state poll with and without $expand, Basic and
 * session (bench/fixture-requests.ts); then Telegraf's figures; then, last, exactly:
 * bench:poller bmcs=1000 sweep_s=<s> peer_sweep_s=<s> speedup=<x> requests_per_bmc=<n> peer_requests_per_bmc=<n> bytes_per_bmc=<n> peer_bytes_per_bmc=<n> peak_rss_mb=<mb>
 * (peer = the exporter walk; speedup = peer_sweep_s / sweep_s, below 1 when the poller is slower).
 *
 * The npm script runs the poller with --max-old-space-size=256 (the Lambda runs with half its
 * memory as V8 heap limit, see lib/redfish/redfish-poller.ts).
 */
import { spawn } from "node:child_process";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { createInterface } from "node:readline";
import { type BmcMemory, type PolledSnapshot, pollBmc } from "../lambdas/redfish-poller/poll-bmc";
import { createBmcAgent } from "../lambdas/redfish-poller/redfish-client";
import { sweep } from "../lambdas/redfish-poller/sweep";
import { mapBounded } from "../lambdas/shared/bounded";
import { fixtureRequests, formatFixtureRequests } from "./fixture-requests";
import { exporterWalk, type PeerResult, telegrafPoll } from "./peer-patterns";

const BMCS = Number(process.env.BENCH_BMCS ?? 1000);
const REQUEST_TIMEOUT_MS = 5_000;
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 128);
const CREDENTIALS = { username: "monitor", password: "bench-Passw0rd" };

/** Telegraf's computer_system_id per capture (the first System of each). */
const SYSTEM_ID: Record<string, string> = {
  "dmtf-public-tower": "/redfish/v1/Systems/437XR1238R2",
  "dmtf-public-rackmount1": "/redfish/v1/Systems/437XR1138R2",
  "hpe-apollo6500-xl675d-a100": "/redfish/v1/Systems/1/",
  "lambdalabs-nvidia-fixtures/gb300-supermicro": "/redfish/v1/Systems/System_0",
  "hpe-cray-ex235n-nvidia-a100": "/redfish/v1/Systems/Node0",
};

type Kind = "healthy" | "dead" | "slow";
interface FleetBmc {
  host: string;
  kind: Kind;
  mockup: string;
}

/** Starts the fake fleet (bench/fake-fleet.ts) in a child process and waits until it listens. */
async function startFleet() {
  const child = spawn(process.execPath, ["--import", "tsx", new URL("./fake-fleet.ts", import.meta.url).pathname], {
    env: { ...process.env, NODE_OPTIONS: "", BENCH_BMCS: String(BMCS), BENCH_PASSWORD: CREDENTIALS.password },
    stdio: ["pipe", "pipe", "inherit"],
  });
  const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  const next = async () => {
    const { value, done } = await lines.next();
    if (done) throw new Error("fake fleet exited");
    return JSON.parse(value as string) as Record<string, unknown>;
  };
  const ready = await next();
  /** Response bytes the whole fleet has sent so far (and the fleet's event-loop delay since the last call). */
  const bytesSent = async () => {
    child.stdin!.write("stats\n");
    const stats = await next();
    console.log(`fleet event-loop delay p99 ${stats.lagP99Ms} ms`);
    return stats.bytes as number;
  };
  return { child, ca: ready.ca as string, fleet: ready.bmcs as FleetBmc[], bytesSent };
}

/** Runs `poll` for every BMC, CONCURRENCY at a time, with the poller's own scheduler (mapBounded); seconds and results. */
async function timed<T>(fleet: FleetBmc[], poll: (bmc: FleetBmc) => Promise<T>): Promise<{ seconds: number; results: T[] }> {
  const t0 = performance.now();
  const results = await mapBounded(fleet, CONCURRENCY, poll);
  return { seconds: (performance.now() - t0) / 1000, results };
}

async function main() {
  const started = Date.now();
  const hardStop = setTimeout(() => {
    console.error("bench:poller exceeded its 12-minute bound");
    process.exit(1);
  }, 720_000);
  hardStop.unref();

  for (const line of formatFixtureRequests(await fixtureRequests())) console.log(line);

  const { child, ca, fleet, bytesSent } = await startFleet();
  const counts = { healthy: 0, dead: 0, slow: 0 };
  for (const f of fleet) counts[f.kind]++;
  const mix = new Map<string, number>();
  for (const f of fleet) mix.set(f.mockup, (mix.get(f.mockup) ?? 0) + 1);
  console.log(
    `fleet: ${fleet.length} fake BMCs (HTTPS, 127.0.0.1, separate process) - ${counts.healthy} healthy, ${counts.dead} dead, ${counts.slow} very slow; ${[...mix].map(([m, n]) => `${n} ${m}`).join(", ")}`,
  );

  // Event-loop delay of this process: on a starved machine the poller itself can be the bottleneck.
  const loopDelay = monitorEventLoopDelay({ resolution: 20 });
  loopDelay.enable();
  const lag = () => {
    const text = `poller event-loop delay p99 ${Math.round(loopDelay.percentile(99) / 1e6)} ms`;
    loopDelay.reset();
    return text;
  };
  // Verification on, trusting the fleet's self-signed certificate (as a cluster CA bundle would).
  const agent = createBmcAgent({ ca });
  const memory = new Map<string, BmcMemory>();
  const pollerSweep = async () => {
    const deadline = Date.now() + 55_000;
    const t0 = performance.now();
    const snapshots = await sweep(
      fleet.map((f) => ({ environment: "bench", cluster: "bench", bmc: f.host, auth: "basic" as const, credentials: CREDENTIALS })),
      (t) => {
        let m = memory.get(t.bmc);
        if (!m) {
          m = {};
          memory.set(t.bmc, m);
        }
        return pollBmc(t, { dispatcher: agent, requestTimeoutMs: REQUEST_TIMEOUT_MS, deadline }, m);
      },
      { concurrency: CONCURRENCY },
    );
    return { seconds: (performance.now() - t0) / 1000, snapshots };
  };
  const statuses = (snapshots: PolledSnapshot[]) => {
    const by: Record<string, number> = {};
    for (const s of snapshots) by[s.status] = (by[s.status] ?? 0) + 1;
    const examples = new Map<string, string>();
    for (const [i, s] of snapshots.entries()) {
      if (s.status === "ok" || fleet[i]!.kind === "dead") continue;
      const key = `${fleet[i]!.mockup} ${s.status}`;
      if (!examples.has(key)) examples.set(key, (s.errors[0] ?? "").slice(0, 140));
    }
    return `${JSON.stringify(by)}${[...examples].map(([k, e]) => `\n  e.g. ${k}: ${e}`).join("")}`;
  };

  // Warm-up: discovery sweeps (the poller runs every minute, so a BMC whose discovery timed out
  // is rediscovered next minute) until 90 % of the answering BMCs hold a plan, at most 3.
  const live = fleet.filter((f) => f.kind !== "dead").length;
  for (let pass = 1; pass <= 3; pass++) {
    const discovery = await pollerSweep();
    const planned = [...memory.values()].filter((m) => m.map?.plan?.requests.length && !m.map.stale).length;
    console.log(
      `poller discovery sweep ${pass}: ${discovery.seconds.toFixed(2)} s, ${planned} BMCs planned, ${lag()}, statuses ${statuses(discovery.snapshots)}`,
    );
    if (planned >= 0.9 * live) break;
  }
  let bytes0 = await bytesSent();
  const steady = await pollerSweep();
  const pollerBytes = (await bytesSent()) - bytes0;
  const answered = steady.snapshots.filter((s) => s.status === "ok");
  const requestsPerBmc = answered.reduce((a, s) => a + s.requests, 0) / Math.max(1, answered.length);
  const gpus = answered.reduce((a, s) => a + s.components.filter((c) => c.kind === "gpu").length, 0);
  console.log(
    `poller steady-state sweep: ${steady.seconds.toFixed(2)} s, ${lag()}, statuses ${statuses(steady.snapshots)}, requests/BMC ${requestsPerBmc.toFixed(2)}, GPUs read ${gpus}`,
  );

  const authorization = `Basic ${Buffer.from(`${CREDENTIALS.username}:${CREDENTIALS.password}`).toString("base64")}`;
  const peer = { dispatcher: agent, authorization, requestTimeoutMs: REQUEST_TIMEOUT_MS };
  const summarise = (results: PeerResult[]) => {
    const ok = results.filter((r) => r.ok);
    return { ok: ok.length, requestsPerBmc: ok.reduce((a, r) => a + r.requests, 0) / Math.max(1, ok.length) };
  };

  bytes0 = await bytesSent();
  const telegraf = await timed(fleet, (f) => telegrafPoll(f.host, SYSTEM_ID[f.mockup]!, peer));
  const telegrafBytes = (await bytesSent()) - bytes0;
  const t = summarise(telegraf.results);

  bytes0 = await bytesSent();
  const walk = await timed(fleet, (f) => exporterWalk(f.host, peer));
  const walkBytes = (await bytesSent()) - bytes0;
  const w = summarise(walk.results);
  console.log(`exporter walk sweep: ${walk.seconds.toFixed(2)} s, ${w.ok} BMCs fully read, requests/BMC ${w.requestsPerBmc.toFixed(2)}`);

  await agent.close();
  child.stdin!.end();
  await new Promise((ok) => child.once("exit", ok));
  // The poller's process only: the fake fleet reports its own peak separately.
  const peakRssMb = process.resourceUsage().maxRSS / 1024;
  console.log(`bench wall time ${((Date.now() - started) / 1000).toFixed(1)} s`);
  console.log(
    `bench:poller telegraf bmcs=${BMCS} sweep_s=${telegraf.seconds.toFixed(2)} requests_per_bmc=${t.requestsPerBmc.toFixed(2)} bytes_per_bmc=${Math.round(telegrafBytes / BMCS)} gpu_readings=none`,
  );
  console.log(
    `bench:poller bmcs=${BMCS} sweep_s=${steady.seconds.toFixed(2)} peer_sweep_s=${walk.seconds.toFixed(2)} speedup=${(walk.seconds / steady.seconds).toFixed(2)} requests_per_bmc=${requestsPerBmc.toFixed(2)} peer_requests_per_bmc=${w.requestsPerBmc.toFixed(2)} bytes_per_bmc=${Math.round(pollerBytes / BMCS)} peer_bytes_per_bmc=${Math.round(walkBytes / BMCS)} peak_rss_mb=${Math.round(peakRssMb)}`,
  );
  process.exit(0);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
