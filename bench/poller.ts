/**
 * `npm run bench:poller`: 1,000 simulated BMCs (HTTPS, loopback only, all in one child process,
 * bench/fake-fleet.ts, so that peak_rss_mb is the poller's own memory) serving the
 * DMTF public-tower mockup with realistic latency — median ~150 ms per request with a
 * log-normal long tail, 2 % dead (accept, never answer: each costs a full request timeout),
 * 1 % very slow (3-4.5 s per request) — polled by the real poller code (sweep + pollBmc, the
 * configured defaults: concurrency 128, 5 s request timeout, Basic auth).
 *
 * 1. discovery sweep (first poll of every BMC: service root + resource map), not the result;
 * 2. steady-state sweep (what runs every minute): sweep_s and requests_per_bmc come from it;
 * 3. baseline: the way common exporters poll — 4 sequential GETs per BMC, one BMC after
 *    another, same timeouts. Running it for 1,000 BMCs would take ~10 minutes, so it runs on a
 *    sample with the fleet's mix (15 healthy, 1 dead, 1 very slow) and is extrapolated to
 *    970 + 20 + 10 BMCs (printed as such).
 *
 * The npm script runs the poller with --max-old-space-size=256 (the Lambda runs with half its
 * memory as V8 heap limit, see lib/redfish/redfish-poller.ts).
 *
 * Last line, exactly:
 * bench:poller bmcs=1000 sweep_s=<s> baseline_s=<s> speedup=<x> requests_per_bmc=<n> peak_rss_mb=<mb>
 */
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { request } from "undici";
import { type BmcMemory, type PolledSnapshot, pollBmc } from "../lambdas/redfish-poller/poll-bmc";
import { createBmcAgent } from "../lambdas/redfish-poller/redfish-client";
import { sweep } from "../lambdas/redfish-poller/sweep";

const BMCS = 1000;
const REQUEST_TIMEOUT_MS = 5_000;
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 128);
const CREDENTIALS = { username: "monitor", password: "bench-Passw0rd" };

type Kind = "healthy" | "dead" | "slow";

/** Starts the fake fleet (bench/fake-fleet.ts) in a child process and waits until it listens. */
async function startFleet() {
  const child = spawn(process.execPath, ["--import", "tsx", new URL("./fake-fleet.ts", import.meta.url).pathname], {
    env: { ...process.env, NODE_OPTIONS: "", BENCH_BMCS: String(BMCS), BENCH_PASSWORD: CREDENTIALS.password },
    stdio: ["pipe", "pipe", "inherit"],
  });
  const lines = createInterface({ input: child.stdout! });
  for await (const line of lines) {
    const msg = JSON.parse(line) as { ready: boolean; mockup: string; ca: string; bmcs: { host: string; kind: Kind }[] };
    if (msg.ready) return { child, mockup: msg.mockup, ca: msg.ca, fleet: msg.bmcs };
  }
  throw new Error("fake fleet exited before it was ready");
}

async function main() {
  const started = Date.now();
  const hardStop = setTimeout(() => {
    console.error("bench:poller exceeded its 5-minute bound");
    process.exit(1);
  }, 300_000);
  hardStop.unref();

  const { child, mockup, ca, fleet } = await startFleet();
  const counts = { healthy: 0, dead: 0, slow: 0 };
  for (const f of fleet) counts[f.kind]++;
  console.log(
    `fleet: ${fleet.length} fake BMCs (HTTPS, 127.0.0.1, separate process) - ${counts.healthy} healthy, ${counts.dead} dead, ${counts.slow} very slow; mockup ${mockup}`,
  );

  // Verification on, trusting the fleet's self-signed certificate (as a cluster CA bundle would).
  const agent = createBmcAgent({ ca });
  const memory = new Map<string, BmcMemory>();
  const targets = fleet.map((f) => ({
    environment: "bench",
    cluster: "bench",
    bmc: f.host,
    auth: "basic" as const,
    credentials: CREDENTIALS,
  }));
  const runSweep = async (): Promise<{ seconds: number; snapshots: PolledSnapshot[] }> => {
    const t0 = performance.now();
    const deadline = Date.now() + 50_000;
    const snapshots = await sweep(
      targets,
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
  const summarise = (snapshots: PolledSnapshot[]) => {
    const byStatus: Record<string, number> = {};
    for (const s of snapshots) byStatus[s.status] = (byStatus[s.status] ?? 0) + 1;
    return JSON.stringify(byStatus);
  };

  const discovery = await runSweep();
  console.log(
    `discovery sweep: ${discovery.seconds.toFixed(2)} s, statuses ${summarise(discovery.snapshots)}, rss ${Math.round(process.memoryUsage().rss / 1048576)} MB`,
  );
  const steady = await runSweep();
  const mu = process.memoryUsage();
  console.log(
    `after steady sweep: rss ${Math.round(mu.rss / 1048576)} MB, heap ${Math.round(mu.heapUsed / 1048576)}/${Math.round(mu.heapTotal / 1048576)} MB, external ${Math.round(mu.external / 1048576)} MB, arrayBuffers ${Math.round(mu.arrayBuffers / 1048576)} MB`,
  );
  const answered = steady.snapshots.filter((s, i) => fleet[i]!.kind !== "dead" && s.status === "ok");
  const requestsPerBmc = answered.reduce((a, s) => a + s.requests, 0) / Math.max(1, answered.length);
  const maxRequests = Math.max(...answered.map((s) => s.requests));
  console.log(
    `steady-state sweep: ${steady.seconds.toFixed(2)} s, statuses ${summarise(steady.snapshots)}, requests/BMC mean ${requestsPerBmc.toFixed(2)} max ${maxRequests}`,
  );

  // Baseline: 4 sequential GETs per BMC, one BMC after another, same per-request timeout.
  const paths = [
    "/redfish/v1/Systems/437XR1238R2",
    "/redfish/v1/Chassis/Tower",
    "/redfish/v1/Chassis/Tower/Thermal",
    "/redfish/v1/Chassis/Tower/Power",
  ];
  const auth = `Basic ${Buffer.from(`${CREDENTIALS.username}:${CREDENTIALS.password}`).toString("base64")}`;
  const exporterPoll = async (host: string) => {
    const t0 = performance.now();
    for (const path of paths) {
      try {
        const res = await request(`https://${host}${path}`, {
          dispatcher: agent,
          headers: { authorization: auth },
          signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
        });
        await res.body.json();
      } catch {
        break; // exporters give up on a BMC after its first timeout (the kindest reading of the baseline)
      }
    }
    return (performance.now() - t0) / 1000;
  };
  const sample = (kind: Kind, n: number) => fleet.filter((f) => f.kind === kind).slice(0, n);
  const sampleTimes: Record<Kind, number[]> = { healthy: [], dead: [], slow: [] };
  for (const [kind, n] of [
    ["healthy", 15],
    ["dead", 1],
    ["slow", 1],
  ] as const) {
    for (const f of sample(kind, n)) sampleTimes[kind].push(await exporterPoll(f.host));
  }
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
  const baseline = mean(sampleTimes.healthy) * counts.healthy + mean(sampleTimes.dead) * counts.dead + mean(sampleTimes.slow) * counts.slow;
  console.log(
    `baseline (sequential exporter, extrapolated from a ${sampleTimes.healthy.length}+${sampleTimes.dead.length}+${sampleTimes.slow.length} sample): healthy ${mean(sampleTimes.healthy).toFixed(3)} s/BMC, dead ${mean(sampleTimes.dead).toFixed(2)} s, slow ${mean(sampleTimes.slow).toFixed(2)} s`,
  );

  await agent.close();
  child.stdin!.end();
  await new Promise((ok) => child.once("exit", ok));
  // The poller's process only: the fake fleet reports its own peak separately.
  const peakRssMb = process.resourceUsage().maxRSS / 1024;
  console.log(`bench wall time ${((Date.now() - started) / 1000).toFixed(1)} s`);
  console.log(
    `bench:poller bmcs=${BMCS} sweep_s=${steady.seconds.toFixed(2)} baseline_s=${baseline.toFixed(1)} speedup=${(baseline / steady.seconds).toFixed(1)} requests_per_bmc=${requestsPerBmc.toFixed(2)} peak_rss_mb=${Math.round(peakRssMb)}`,
  );
  process.exit(0);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
