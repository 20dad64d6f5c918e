/**
 * Runs a scenario on the simulated clock: every simulated minute the Redfish poller sweeps (then
 * the event source mapping delivers the batch to the ingest after its batching window), the Azure
 * traffic model records the minute and the Azure poller runs, and CloudWatch evaluates every
 * alarm at the minute boundary. Faults and noise are applied at their scripted instants.
 * Idle time between events is skipped; the work itself runs at real speed on loopback.
 */
import { resolveAlarms, SUPPRESSOR_TIMING } from "../core/catalog";
import { PIPELINE_MAPPING_SETTINGS } from "../dev-support/event-source-mapping";
import { AlarmEvaluator, type Notification } from "./alarm-evaluator";
import { AzureTraffic } from "./azure-traffic";
import type { SimClock } from "./clock";
import { wallNow } from "./clock";
import { simEnvironment, trafficOf } from "./environment";
import { Fleet } from "./fleet";
import { MetricStore } from "./metric-store";
import { Pipeline } from "./pipeline";
import { clockOf, type Score, score } from "./report";
import { FLEET, type Scenario, type ScenarioContext } from "./scenario";

export interface RunOptions {
  readonly clock: SimClock;
  /** Start of the scored period (epoch ms, a minute boundary). */
  readonly t0: number;
  readonly progress?: (line: string) => void;
  /** Diagnostic only: periods added to the catalog's evaluation range (default 0). */
  readonly extraEvaluationPeriods?: number;
}

export interface RunResult {
  readonly score: Score;
  readonly t0: number;
  readonly notifications: readonly Notification[];
  readonly counters: Pipeline["counters"];
}

type Event = { at: number; order: number; label?: string; run: () => Promise<void> | void };

export async function runSimulation(scenario: Scenario, options: RunOptions): Promise<RunResult> {
  const { clock, t0 } = options;
  const say = options.progress ?? (() => {});
  const wallStart = wallNow();
  const start = t0 - scenario.warmupMinutes * 60_000;
  clock.advanceTo(start);

  const clusters = [...new Set(FLEET.map((n) => n.cluster))];
  const config = simEnvironment(clusters);
  const alarms = resolveAlarms(config);
  const store = new MetricStore();
  const fleet = await Fleet.start(FLEET);
  const pipeline = new Pipeline(config, fleet, store, config.azure?.workspaces[0]?.workspaceId ?? "");
  const notifications: Notification[] = [];
  try {
    await pipeline.start();
    const traffic = new AzureTraffic(pipeline.azure, trafficOf(config), pipeline.workspaceId);
    const ctx: ScenarioContext = { fleet, traffic };
    const evaluatorOptions = {
      suppressorWaitMs: SUPPRESSOR_TIMING.waitSeconds * 1000,
      suppressorExtensionMs: SUPPRESSOR_TIMING.extensionSeconds * 1000,
      extraEvaluationPeriods: options.extraEvaluationPeriods ?? 0,
    };
    const evaluator = new AlarmEvaluator(alarms, store, evaluatorOptions);
    // Same alarms, same samples, as if each datapoint reached CloudWatch the instant its poll
    // obtained it: the pages this raises are the reference for the pipeline's added latency.
    const reference = new AlarmEvaluator(alarms, store, { ...evaluatorOptions, visibility: "obtained" });
    const referenceNotifications: Notification[] = [];
    say(
      `simulate: ${FLEET.length} BMCs in ${clusters.length} clusters, ${trafficOf(config).length} Azure OpenAI deployments, ` +
        `${evaluator.alarms.length} alarms evaluated (${evaluator.skipped.length} on AWS-namespace metrics not simulated), ` +
        `${scenario.faults.length} faults, ${scenario.warmupMinutes} min warm-up + ${scenario.durationMinutes} min`,
    );

    const events: Event[] = [];
    const at = (min: number) => t0 + Math.round(min * 60_000);
    for (let m = -scenario.warmupMinutes; m <= scenario.durationMinutes; m++) {
      const minute = at(m);
      events.push({
        at: minute,
        order: 0,
        run: () => {
          referenceNotifications.push(...reference.evaluate(minute));
          for (const n of evaluator.evaluate(minute)) {
            notifications.push(n);
            if (minute >= t0) say(`${clockOf(t0, n.at)}  ${n.kind === "ALARM" ? "PAGE" : "OK  "} ${n.spec.tier} ${n.alarm}`);
          }
          if (m >= 0 && m % 15 === 0)
            say(
              `${clockOf(t0, minute)}  ... ${store.count} datapoints, ${pipeline.counters.snapshots} snapshots, wall ${((wallNow() - wallStart) / 1000).toFixed(0)} s`,
            );
        },
      });
      events.push({
        at: minute + scenario.redfishPhaseSeconds * 1000,
        order: 2,
        run: async () => {
          store.obtainedAt = Date.now();
          await pipeline.sweep();
          clock.advanceBy(PIPELINE_MAPPING_SETTINGS.batchingWindowMs);
          await pipeline.drainStream();
          store.obtainedAt = undefined;
        },
      });
      events.push({
        at: minute + scenario.azurePhaseSeconds * 1000,
        order: 2,
        run: async () => {
          traffic.advance(Date.now());
          store.obtainedAt = Date.now();
          await pipeline.pollAzure();
          store.obtainedAt = undefined;
        },
      });
    }
    for (const f of scenario.faults) {
      for (const s of f.steps)
        events.push({
          at: at(s.atMin),
          order: 1,
          label: `FAULT ${f.title}${s.value === undefined ? "" : ` (${s.value})`}`,
          run: () => s.apply(ctx),
        });
      if (f.clearMin > (f.steps[f.steps.length - 1]?.atMin ?? 0))
        events.push({ at: at(f.clearMin), order: 1, label: `CLEAR ${f.id}`, run: () => f.clear(ctx) });
    }
    for (const n of scenario.noise) {
      events.push({ at: at(n.atMin), order: 1, label: `noise ${n.title}`, run: () => n.apply(ctx) });
      events.push({ at: at(n.untilMin), order: 1, label: `noise over: ${n.id}`, run: () => n.clear(ctx) });
    }
    events.sort((a, b) => a.at - b.at || a.order - b.order);
    for (const e of events) {
      clock.advanceTo(e.at);
      if (e.label) {
        // Traffic minutes that already ended are recorded with the conditions they had.
        traffic.advance(Date.now());
        say(`${clockOf(t0, e.at)}  ${e.label}`);
      }
      await e.run();
    }

    const settings = pipeline.azureSettings;
    const result = score(scenario, t0, evaluator.alarms, notifications, referenceNotifications, {
      staleAfterMs: pipeline.staleAfterMs,
      metricsSettleMs: (settings?.metricsSettleMinutes ?? 0) * 60_000,
      logsSettleMs: (settings?.logsSettleMinutes ?? 0) * 60_000,
      suppressorWaitMs: SUPPRESSOR_TIMING.waitSeconds * 1000,
    });
    return {
      score: result,
      t0,
      notifications,
      counters: { ...pipeline.counters },
    };
  } finally {
    await pipeline.stop();
    await fleet.close();
  }
}
