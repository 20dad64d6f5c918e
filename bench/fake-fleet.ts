/**
 * The simulated BMC fleet for `npm run bench:poller`, in its own process so the poller's
 * memory is measured alone: N HTTPS fake BMCs on 127.0.0.1 serving one mockup with realistic
 * latency. Prints one JSON line {"ready": true, "ca": PEM, "bmcs": [{host, kind}]} when listening, then
 * serves until its parent closes stdin; on exit it prints its own peak RSS to stderr.
 */
import { loadMockup, startFakeBmc } from "../test/support/redfish-bmc-server";
import { testCertificate } from "../test/support/tls";

const BMCS = Number(process.env.BENCH_BMCS ?? 1000);
const DEAD_EVERY = 50; // 2 %
const SLOW_EVERY = 100; // 1 %
const MOCKUP = process.env.BENCH_MOCKUP ?? "dmtf-public-tower";
const USERNAME = "monitor";
const PASSWORD = process.env.BENCH_PASSWORD ?? "bench-Passw0rd";

/** Deterministic PRNG so runs are comparable. */
let seed = 42;
function random(): number {
  seed = (seed * 1664525 + 1013904223) % 2 ** 32;
  return seed / 2 ** 32;
}
function gaussian(): number {
  return Math.sqrt(-2 * Math.log(random() + 1e-12)) * Math.cos(2 * Math.PI * random());
}
/** Log-normal: median 150 ms, sigma 0.6 (p99 ~600 ms), capped at 4 s. */
const healthyLatency = () => Math.min(4_000, 150 * Math.exp(0.6 * gaussian()));
const slowLatency = () => 3_000 + 1_500 * random();

type Kind = "healthy" | "dead" | "slow";
const kindOf = (i: number): Kind => (i % DEAD_EVERY === 7 ? "dead" : i % SLOW_EVERY === 13 ? "slow" : "healthy");

async function main() {
  loadMockup(MOCKUP);
  testCertificate();
  const bmcs: { host: string; kind: Kind }[] = [];
  for (let i = 0; i < BMCS; i++) {
    const kind = kindOf(i);
    const bmc = await startFakeBmc({
      mockup: MOCKUP,
      auth: "basic",
      username: USERNAME,
      password: PASSWORD,
      latencyMs: kind === "slow" ? slowLatency : healthyLatency,
      faults: kind === "dead" ? { "*": { kind: "hang" } } : undefined,
    });
    bmcs.push({ host: bmc.host, kind });
  }
  process.stdout.write(`${JSON.stringify({ ready: true, mockup: MOCKUP, ca: testCertificate().ca, bmcs })}\n`);
  process.stdin.resume();
  process.stdin.on("end", () => {
    process.stderr.write(`fleet peak rss ${Math.round(process.resourceUsage().maxRSS / 1024)} MB\n`);
    process.exit(0);
  });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
