/**
 * The simulated BMC fleet for `npm run bench:poller`, in its own process so the poller's
 * memory is measured alone: N HTTPS fake BMCs on 127.0.0.1 serving the captures in
 * dev-support/redfish-captures, mixed as a GPU fleet might be. Prints one JSON line
 * {"ready": true, "ca": PEM, "bmcs": [{host, kind, mockup}]} when listening; then answers
 * "stats" lines on stdin with {"bytes": <response bytes sent by the whole fleet so far>} and
 * serves until its parent closes stdin; on exit it prints its own peak RSS to stderr.
 *
 * Delays (the figures the comparison depends on; change them here and the result may flip):
 *  - every request: log-normal, median BASE_MS, sigma 0.5 (a BMC-class SoC answering one small
 *    resource; assumption, typical of the 50-300 ms seen on iLO/iDRAC/OpenBMC consoles);
 *  - plus PER_RESOURCE_MS for every resource rendered into the answer (an $expand answer renders
 *    each inlined resource: that is where $expand is not free) and PER_KIB_MS per KiB sent;
 *  - at most CONCURRENT requests worked on at once per BMC, the rest queue (BMC web servers are
 *    small; several vendors serialise requests);
 *  - 2 % dead (accept, never answer: each costs a full request timeout), 1 % very slow (x20).
 */
import { monitorEventLoopDelay } from "node:perf_hooks";
import { createInterface } from "node:readline";
import { type FakeAnswer, type FakeBmc, loadMockup, startFakeBmc } from "../dev-support/redfish-bmc-server";
import { testCertificate } from "../dev-support/tls";

const BMCS = Number(process.env.BENCH_BMCS ?? 1000);
const BASE_MS = Number(process.env.BENCH_BASE_MS ?? 60);
const PER_RESOURCE_MS = Number(process.env.BENCH_PER_RESOURCE_MS ?? 12);
const PER_KIB_MS = Number(process.env.BENCH_PER_KIB_MS ?? 0.1);
const CONCURRENT = Number(process.env.BENCH_BMC_CONCURRENCY ?? 2);
const DEAD_EVERY = 50; // 2 %
const SLOW_EVERY = 100; // 1 %
const USERNAME = "monitor";
const PASSWORD = process.env.BENCH_PASSWORD ?? "bench-Passw0rd";

/** Fleet mix, per 20 BMCs: 8 DMTF tower, 4 DMTF rackmount, 3 HPE iLO Apollo, 3 NVIDIA GB300, 2 HPE Cray EX. */
const MIX: readonly (readonly [string, number])[] = [
  ["dmtf-public-tower", 8],
  ["dmtf-public-rackmount1", 4],
  ["hpe-apollo6500-xl675d-a100", 3],
  ["lambdalabs-nvidia-fixtures/gb300-supermicro", 3],
  ["hpe-cray-ex235n-nvidia-a100", 2],
];
function mockupOf(i: number): string {
  let slot = i % 20;
  for (const [mockup, n] of MIX) {
    if (slot < n) return mockup;
    slot -= n;
  }
  return MIX[0]![0];
}

/** Deterministic PRNG so runs are comparable. */
let seed = 42;
function random(): number {
  seed = (seed * 1664525 + 1013904223) % 2 ** 32;
  return seed / 2 ** 32;
}
function gaussian(): number {
  return Math.sqrt(-2 * Math.log(random() + 1e-12)) * Math.cos(2 * Math.PI * random());
}
const answerTime = (slowdown: number) => (a: FakeAnswer) =>
  slowdown * (BASE_MS * Math.exp(0.5 * gaussian()) + PER_RESOURCE_MS * Math.max(1, a.resources) + (PER_KIB_MS * a.bytes) / 1024);

type Kind = "healthy" | "dead" | "slow";
const kindOf = (i: number): Kind => (i % DEAD_EVERY === 7 ? "dead" : i % SLOW_EVERY === 13 ? "slow" : "healthy");

async function main() {
  for (const [mockup] of MIX) loadMockup(mockup);
  testCertificate();
  const servers: FakeBmc[] = [];
  const bmcs: { host: string; kind: Kind; mockup: string }[] = [];
  for (let i = 0; i < BMCS; i++) {
    const kind = kindOf(i);
    const mockup = mockupOf(i);
    const bmc = await startFakeBmc({
      mockup,
      auth: "either",
      username: USERNAME,
      password: PASSWORD,
      maxSessions: 8,
      maxConcurrentRequests: CONCURRENT,
      responseLatencyMs: answerTime(kind === "slow" ? 20 : 1),
      faults: kind === "dead" ? { "*": { kind: "hang" } } : undefined,
    });
    servers.push(bmc);
    bmcs.push({ host: bmc.host, kind, mockup });
  }
  process.stdout.write(`${JSON.stringify({ ready: true, ca: testCertificate().ca, bmcs })}\n`);
  const loopDelay = monitorEventLoopDelay({ resolution: 20 });
  loopDelay.enable();
  const lines = createInterface({ input: process.stdin });
  lines.on("line", (line) => {
    if (line.trim() === "stats") {
      const bytes = servers.reduce((a, s) => a + s.bytesSent(), 0);
      const lagP99Ms = Math.round(loopDelay.percentile(99) / 1e6);
      loopDelay.reset();
      process.stdout.write(`${JSON.stringify({ bytes, lagP99Ms })}\n`);
    }
  });
  lines.on("close", () => {
    process.stderr.write(`fleet peak rss ${Math.round(process.resourceUsage().maxRSS / 1024)} MB\n`);
    process.exit(0);
  });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
