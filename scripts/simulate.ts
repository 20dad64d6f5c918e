/**
 * npm run simulate: the full scenario through the real poller, kinesalite, the real ingest and
 * the real Azure poller, with the catalog's alarms evaluated by CloudWatch's rules. Prints
 * progress, then the timeline, then exactly one summary line (last).
 * Options: --scenario full|short; --extra-evaluation-periods <k> (diagnostic: widen CloudWatch's
 * evaluation range beyond lib/catalog's N + 2 to see what late data would then do).
 */
import { installSimClock } from "../sim/clock";

const flag = (name: string) => (process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : undefined);
const extraEvaluationPeriods = Number(flag("--extra-evaluation-periods") ?? 0);
const scenarioName = process.argv.includes("--scenario") ? process.argv[process.argv.indexOf("--scenario") + 1] : "full";
// The scored period starts at the next full hour (simulated); the clock must be installed before the components load.
const t0 = Math.ceil(Date.now() / 3_600_000) * 3_600_000;
const clock = installSimClock(t0 - 60 * 60_000);

const { fullScenario, shortScenario } = await import("../sim/scenario");
const { runSimulation } = await import("../sim/run");
const { timeline } = await import("../sim/report");
const scenario = scenarioName === "short" ? shortScenario() : fullScenario();
const result = await runSimulation(scenario, { clock, t0, extraEvaluationPeriods, progress: (line) => console.log(line) });
if (extraEvaluationPeriods)
  console.log(`(diagnostic run: evaluation range widened by ${extraEvaluationPeriods} periods beyond the catalog's N + 2)`);
for (const line of timeline(result.score, t0)) console.log(line);
const c = result.counters;
console.log(
  `\npipeline: ${c.sweeps} sweeps, ${c.snapshots} snapshots, ${c.ingestInvocations} ingest invocations (${c.ingestRecords} records, ` +
    `${c.batchItemFailures} partial failures, ${c.deadLetters} dead letters), ${c.azurePolls} Azure polls (${c.azureErrors} errors), ` +
    `${result.datapoints} CloudWatch datapoints; ${result.evaluatedAlarms} alarms evaluated, not simulated: ${result.skippedAlarms.length} ` +
    `(AWS-namespace metrics); wall time ${(result.wallMs / 1000).toFixed(1)} s`,
);
console.log(result.score.summaryLine);
