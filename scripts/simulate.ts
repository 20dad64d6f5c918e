/**
 * npm run simulate: the seeded simulation (sim/model/): 24 healthy hours with random noise, then
 * every scripted fault, through FleetWatch's own poller snapshots, ingest aggregation, catalog
 * and CloudWatch rules, with every stage's delay drawn from sim/delays.ts. Runs several seeds and
 * both evaluation ranges (N + 2 and N + 5); prints a per-fault table per range, the other range's
 * summary, then exactly one summary line (last) for the documented N + 2 range.
 *
 * Options: --seeds <n> (default 3), --first-seed <s> (default 1), --scenario full|short,
 *          --e2e (the end-to-end run through the real components over loopback, sim/run.ts).
 */
import { parseArgs } from "node:util";

const { values } = parseArgs({
  options: {
    seeds: { type: "string", default: "3" },
    "first-seed": { type: "string", default: "1" },
    scenario: { type: "string", default: "full" },
    e2e: { type: "boolean", default: false },
  },
});

if (values.e2e) {
  const { installSimClock } = await import("../sim/clock");
  const t0 = Math.ceil(Date.now() / 3_600_000) * 3_600_000;
  const clock = installSimClock(t0 - 60 * 60_000);
  const { fullScenario, shortScenario } = await import("../sim/scenario");
  const { runSimulation } = await import("../sim/run");
  const { timeline } = await import("../sim/report");
  const scenario = values.scenario === "short" ? shortScenario() : fullScenario();
  const result = await runSimulation(scenario, { clock, t0, progress: (line) => console.log(line) });
  for (const line of timeline(result.score, t0)) console.log(line);
  console.log(result.score.summaryLine);
  process.exit(0);
}

const seeds = Number(values.seeds);
const firstSeed = Number(values["first-seed"]);
if (!Number.isInteger(seeds) || seeds < 1) {
  console.error(`--seeds must be a positive integer, got ${JSON.stringify(values.seeds)}`);
  process.exit(2);
}
if (values.scenario !== "full" && values.scenario !== "short") {
  console.error(`--scenario must be "full" or "short", got ${JSON.stringify(values.scenario)}`);
  process.exit(2);
}
const { EVALUATION_RANGES } = await import("../core/catalog");
const { runModel } = await import("../sim/model/engine");
const { fullModelScenario, shortModelScenario } = await import("../sim/model/scenario");
const { percentile, scoreRun, summarise, summaryLine } = await import("../sim/model/score");
const scenario = values.scenario === "short" ? shortModelScenario() : fullModelScenario();

const wallStart = performance.now();
const lines: Record<string, string> = {};
for (const [rangeName, rule] of Object.entries(EVALUATION_RANGES)) {
  const scores = [];
  for (let i = 0; i < seeds; i++) {
    const run = await runModel(scenario, { seed: firstSeed + i, evaluationRange: rule });
    const score = scoreRun(run);
    scores.push(score);
    const c = run.counters;
    console.log(
      `range ${rangeName} seed ${run.seed}: ${c.snapshots} snapshots, ${c.ingestInvocations} ingest invocations (${c.ingestFailures} failed, ${c.duplicateDeliveries} delivered twice, ${c.deadLetters} to the DLQ), ` +
        `${c.coldStarts} cold starts, Azure minutes ${c.azureMinutesPublished} published / ${c.azureMinutesLate} arrived after the settle time, ${c.datapoints} datapoints, ${run.noise.length} noise events, ${run.alarms.length} alarms`,
    );
    for (const p of score.falsePages)
      console.log(`  FALSE PAGE ${p.spec.tier} ${p.alarm} at T+${((p.actionAt - run.t0) / 60_000).toFixed(1)} min`);
    // The SLO faults' timeline (issue 17): every page while the fault is active and 15 min after.
    for (const f of scenario.faults.filter((x) => x.id === "slow-burn" || x.id === "short-spike")) {
      const from = run.t0 + Math.round(f.atMin * 60_000) + (run.faultStart.get(f.id) ?? 0) * 1000;
      const until = from + Math.round(f.durationMin * 60_000);
      const clock = (ms: number) => `T+${((ms - run.t0) / 60_000).toFixed(1)} min`;
      console.log(`  timeline ${f.id}: FAULT ${f.title} at ${clock(from)}, repaired at ${clock(until)}`);
      const deployment = f.effects.flatMap((e) => (e.kind === "azure" ? [e.deployment] : []))[0];
      const own = run.pages.filter(
        // Its availability SLO's pages and any threshold alarm's (the latency SLO is another fault's).
        (p) =>
          p.actionAt >= from &&
          p.actionAt <= until + 15 * 60_000 &&
          p.spec.instance.deployment === deployment &&
          (p.spec.signalId.startsWith("aoai-availability/") || !p.spec.signalId.includes("/burn-")),
      );
      for (const p of own)
        console.log(`  timeline ${f.id}: ${p.kind === "ALARM" ? "PAGE" : "OK  "} ${p.spec.tier} ${p.alarm} at ${clock(p.deliveredAt)}`);
      if (!own.some((p) => p.kind === "ALARM")) console.log(`  timeline ${f.id}: no page`);
    }
  }
  console.log(
    `\nrange ${rangeName}: per fault over ${seeds} seeds (time to page = onset to delivery; deadline and tier from the scenario)`,
  );
  console.log(
    `  ${"fault".padEnd(22)} ${"expected".padEnd(44)} ${"right tier".padEnd(10)} ${"in time".padEnd(8)} ${"min/median/max s".padEnd(18)} ${"deadline".padEnd(8)} repeat pages`,
  );
  for (const fault of scenario.faults.filter((f) => f.expect)) {
    const outcomes = scores.flatMap((s) => s.faults.filter((o) => o.fault.id === fault.id));
    const times = outcomes.map((o) => o.timeToPageS).filter((t): t is number => t !== undefined);
    const e = fault.expect!;
    const tiers = [...new Set(outcomes.map((o) => o.page?.spec.tier ?? "none"))].join("/");
    console.log(
      `  ${fault.id.padEnd(22)} ${`${e.tier} ${e.signal}/${e.level}${e.cluster ? `/${e.cluster}` : e.deployment ? `/${e.deployment}` : ""}`.padEnd(44)} ` +
        `${`${outcomes.filter((o) => o.rightTier).length}/${outcomes.length}${tiers === e.tier ? "" : ` (${tiers})`}`.padEnd(10)} ` +
        `${`${outcomes.filter((o) => o.inTime).length}/${outcomes.length}`.padEnd(8)} ` +
        `${times.length ? `${Math.min(...times)}/${percentile(times, 50)}/${Math.max(...times)}` : "-"}`.padEnd(18) +
        ` ${`${e.deadlineMin} min`.padEnd(8)} ${outcomes.reduce((a, o) => a + o.repeatPages, 0)}`,
    );
  }
  const mustNot = scenario.faults.filter((f) => !f.expect).map((f) => f.id);
  console.log(`  must not page: ${mustNot.join(", ") || "none"} (any page from them is among the false pages)`);
  lines[rangeName] = summaryLine(summarise(scores));
}
console.log(`\nwall time ${((performance.now() - wallStart) / 1000).toFixed(1)} s`);
console.log(`evaluation range N + 5: ${lines["n+5"]}`);
console.log(`evaluation range N + 2 (documented example; the line below):`);
console.log(lines["n+2"]);
