/**
 * The seeded simulation: a discrete-event model of the whole path from a condition on a BMC or
 * an Azure deployment to a page at its destination, with every stage's delay drawn from
 * sim/delays.ts through one seeded PRNG. The parts that decide what a page says are FleetWatch's
 * own code: the snapshots come from the real poller (once per mockup, sim/model/base-snapshots.ts),
 * the fleet aggregates from the ingest's `assessSnapshots` (with its cross-batch `FleetState`),
 * the alarms from `resolveAlarms` and their states from core/catalog's CloudWatch rules
 * (`evaluateRange`, `compositeActions`). The transport between them (Scheduler, the sweep,
 * Kinesis and its event source mapping, EMF extraction, PutMetricData, Azure Monitor ingestion,
 * alarm evaluation, SNS, the P1 enricher, PagerDuty/Chatbot/email) is modelled by its delays.
 */

import {
  type AlarmSpec,
  type AlarmState,
  applyStatistic,
  burnRateAlarmSpecs,
  burnRateCompositeActions,
  compositeActions,
  type EvaluationRangeRule,
  evaluateRange,
  resolveAlarms,
  resolveBurnRateAlarms,
  type SignalDefinition,
  type StateChange,
  SUPPRESSOR_TIMING,
  sloById,
} from "../../core/catalog";
import { gpuTemperatureThresholds } from "../../core/catalog/gpu-temperature-thresholds";
import { POWER_CAP_MARGIN_PERCENT, SNAPSHOT_STALE_AFTER_SECONDS } from "../../core/constants";
import { AZURE_SETTLE_MINUTES, METRIC_NAMESPACE, METRICS, type MetricKey } from "../../core/metric-registry";
import type { BmcSnapshot } from "../../core/snapshot";
import { PIPELINE_MAPPING_SETTINGS } from "../../dev-support/event-source-mapping";
import { evaluateExpression, parseExpression } from "../../dev-support/metric-math";
import { Rng } from "../../dev-support/random";
import { assessSnapshots, FleetState } from "../../lambdas/telemetry-ingest/aggregates";
import { DELAYS, drawMs, PROBABILITIES, type Stage } from "../delays";
import { SIM_DEPLOYMENTS, simEnvironment } from "../environment";
import { seriesKey as seriesKeyOf } from "../metric-store";
import { FLEET } from "../scenario";
import { baseSnapshots } from "./base-snapshots";
import { drawNoise } from "./noise";
import type { ModelScenario, NoiseItem } from "./scenario";
import { SeriesStore } from "./series";
import { type ActiveWindow, World } from "./world";

const MIN = 60_000;
/** The poller's budget inside its 55 s timeout: BMCs not read by then are reported unreachable. */
const POLLER_BUDGET_MS = 45_000;

export interface ModelRunOptions {
  readonly seed: number;
  readonly evaluationRange: EvaluationRangeRule;
  /** The catalog to evaluate (default: core/catalog's). Tests pass a modified one. */
  readonly signals?: readonly SignalDefinition[];
  /** T0, a minute boundary (default 2026-01-05T00:00Z). */
  readonly t0?: number;
}

export interface Page {
  readonly kind: "ALARM" | "OK";
  /** The alarm carrying the actions (the composite for suppressed signals). */
  readonly alarm: string;
  readonly spec: AlarmSpec;
  /** When CloudWatch performed the action. */
  readonly actionAt: number;
  /** When it reached PagerDuty / the chat channel / the mailbox. */
  readonly deliveredAt: number;
}

export interface ModelRunResult {
  readonly seed: number;
  readonly t0: number;
  readonly scenario: ModelScenario;
  readonly alarms: readonly AlarmSpec[];
  readonly pages: readonly Page[];
  readonly noise: readonly NoiseItem[];
  /** Seconds into the minute each fault started, per fault id (drawn per seed). */
  readonly faultStart: ReadonlyMap<string, number>;
  readonly counters: Record<string, number>;
  /** Every metric alarm's state changes, by alarm name (for diagnostics). */
  readonly transitions: ReadonlyMap<string, readonly StateChange[]>;
  readonly store: SeriesStore;
}

/** A tiny binary heap of timed events; ties run in insertion order. */
class EventQueue {
  private heap: { at: number; seq: number; run: () => void }[] = [];
  private seq = 0;
  push(at: number, run: () => void): void {
    const h = this.heap;
    h.push({ at, seq: this.seq++, run });
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (this.less(h[i]!, h[p]!)) {
        [h[i], h[p]] = [h[p]!, h[i]!];
        i = p;
      } else break;
    }
  }
  private less(a: { at: number; seq: number }, b: { at: number; seq: number }) {
    return a.at < b.at || (a.at === b.at && a.seq < b.seq);
  }
  pop(): { at: number; run: () => void } | undefined {
    const h = this.heap;
    if (h.length === 0) return undefined;
    const top = h[0]!;
    const last = h.pop()!;
    if (h.length > 0) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && this.less(h[l]!, h[m]!)) m = l;
        if (r < h.length && this.less(h[r]!, h[m]!)) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m]!, h[i]!];
        i = m;
      }
    }
    return top;
  }
}

interface Tracked {
  readonly spec: AlarmSpec;
  readonly offsetMs: number;
  readonly read: (boundary: number, visibleAt: number, rangeSize: number) => (number | null)[];
  state: AlarmState;
  readonly log: StateChange[];
}

export async function runModel(scenario: ModelScenario, options: ModelRunOptions): Promise<ModelRunResult> {
  const rng = new Rng(options.seed);
  const t0 = options.t0 ?? Date.UTC(2026, 0, 5);
  const start = t0 - scenario.warmupMinutes * MIN;
  const end = t0 + scenario.durationMinutes * MIN;
  const clusters = [...new Set(FLEET.map((n) => n.cluster))];
  const config = simEnvironment(clusters);
  const env = config.name;
  const catalogAlarms = resolveAlarms(config, options.signals);
  // The SLO burn-rate alarms (core/catalog/slo.ts): their windows are evaluated like every metric
  // alarm; their composites (long AND short) page, below.
  const burnRate = burnRateAlarmSpecs(resolveBurnRateAlarms(config));
  const burnRateWindows = new Set(burnRate.windows.map((w) => w.name));
  const alarms = [...catalogAlarms, ...burnRate.composites];
  const base = await baseSnapshots(FLEET, env);
  const counters: Record<string, number> = {
    snapshots: 0,
    ingestInvocations: 0,
    ingestFailures: 0,
    duplicateDeliveries: 0,
    deadLetters: 0,
    coldStarts: 0,
    azureMinutesLate: 0,
    azureMinutesPublished: 0,
    datapoints: 0,
  };
  const draw = (stage: Stage) => drawMs(rng, stage);
  const coldStart = () => {
    if (!rng.chance(PROBABILITIES.lambdaColdStart.p)) return 0;
    counters.coldStarts = (counters.coldStarts ?? 0) + 1;
    return draw(DELAYS.lambdaColdStart);
  };

  // ---------------------------------------------------------------- the world: faults + noise
  const faultStart = new Map<string, number>();
  const windows: ActiveWindow[] = [];
  for (const f of scenario.faults) {
    const second = Math.floor(rng.between(0, 60));
    faultStart.set(f.id, second);
    const from = t0 + Math.round(f.atMin * MIN) + second * 1000;
    windows.push({ fromMs: from, untilMs: from + Math.round(f.durationMin * MIN), effects: f.effects });
  }
  const warm = [...base].find(([, s]) => s.cluster === "infer-b" && s.components.filter((c) => c.kind === "gpu").length > 2);
  const thresholds = gpuTemperatureThresholds(config);
  const noise = scenario.noise
    ? drawNoise(rng, start, end, {
        nodes: [...base.keys()],
        nodesWithFans: [...base].filter(([, s]) => s.components.some((c) => c.kind === "fan")).map(([id]) => id),
        deployments: SIM_DEPLOYMENTS.map((d) => d.name),
        warmGpu: { node: warm?.[0] ?? "cray-1", gpu: 2, warnC: thresholds.warnC },
      })
    : [];
  for (const n of noise) windows.push({ fromMs: n.atMs, untilMs: n.untilMs, effects: n.effects });
  const world = new World(base, windows);

  const store = new SeriesStore();
  const queue = new EventQueue();
  const put = (namespace: string, name: string, dims: Record<string, string>, timestamp: number, value: number, visibleAt: number) => {
    store.put(namespace, name, dims, { timestamp, value, visibleAt });
    counters.datapoints = (counters.datapoints ?? 0) + 1;
  };
  const fw = (key: MetricKey, dims: Record<string, string>, timestamp: number, value: number, visibleAt: number) =>
    put(METRIC_NAMESPACE, METRICS[key].name, dims, timestamp, value, visibleAt);
  const aws = (resource: string, metricName: string, timestamp: number, value: number, sentAt: number) =>
    put("AWS", metricName, { Resource: resource }, timestamp, value, sentAt + draw(DELAYS.awsServiceMetric));

  // ---------------------------------------------------------------- Redfish poller -> Kinesis
  const schedulePhase = draw(DELAYS.schedulePhase);
  const pending: { snapshot: BmcSnapshot; arrivedAt: number }[] = [];
  const nodes = world.nodes();
  // The poller reads a shard's BMCs concurrently in inventory order, so a BMC keeps its place in
  // every sweep: its read instant is that share of the sweep's duration after the start.
  const place = new Map(nodes.map((n) => [n, rng.uniform()]));
  for (let minute = start; minute < end; minute += MIN) {
    queue.push(minute + schedulePhase, () => {
      const startedAt = minute + schedulePhase + draw(DELAYS.schedulerDelivery) + coldStart();
      const sweepMs = Math.min(draw(DELAYS.pollerSweep), POLLER_BUDGET_MS + 5_000);
      const endAt = startedAt + sweepMs;
      const snapshots = nodes.map((node) => {
        const readAt = startedAt + Math.round((place.get(node) as number) * sweepMs);
        const s = world.snapshot(node, readAt);
        // A BMC still unread at the budget's end is reported unreachable by the poller.
        return readAt - startedAt > POLLER_BUDGET_MS ? { ...s, status: "unreachable" as const, components: [] } : s;
      });
      counters.snapshots = (counters.snapshots ?? 0) + snapshots.length;
      queue.push(endAt, () => {
        for (const s of snapshots) pending.push({ snapshot: s, arrivedAt: endAt });
        const emfAt = endAt + draw(DELAYS.emfToMetric);
        for (const cluster of clusters) {
          const mine = snapshots.filter((s) => s.cluster === cluster);
          const dims = { Environment: env, Cluster: cluster };
          fw("pollerBmcsPolled", dims, endAt, mine.length, emfAt);
          fw("pollerBmcsUnreachable", dims, endAt, mine.filter((s) => s.status === "unreachable").length, emfAt);
          fw("pollerAuthFailures", dims, endAt, mine.filter((s) => s.status === "auth_failed").length, emfAt);
          fw("pollerSweepDurationMs", dims, endAt, sweepMs, emfAt);
        }
        fw("pollerSnapshotsUndelivered", { Environment: env }, endAt, 0, emfAt);
        // The environment totals the poller publishes with them (run-shard.ts; bmc-network-outage reads these).
        fw("pollerBmcsPolledInEnvironment", { Environment: env }, endAt, snapshots.length, emfAt);
        fw(
          "pollerBmcsUnreachableInEnvironment",
          { Environment: env },
          endAt,
          snapshots.filter((s) => s.status === "unreachable").length,
          emfAt,
        );
        aws("redfishPollerFunction", "Errors", endAt - (endAt % MIN), 0, endAt);
        scheduleEsm(endAt);
      });
    });
  }

  // ---------------------------------------------------------------- event source mapping -> ingest
  const state = new FleetState();
  const assess = {
    gpuTemperature: { warnC: thresholds.warnC, criticalC: thresholds.criticalC },
    staleAfterMs: SNAPSHOT_STALE_AFTER_SECONDS * 1000,
    powerCapMargin: POWER_CAP_MARGIN_PERCENT / 100,
  };
  let esmBusyUntil = 0;
  let esmScheduled = false;
  let dlqDepth = 0;
  const scheduleEsm = (after: number) => {
    if (esmScheduled) return;
    esmScheduled = true;
    const at = Math.max(after + draw(DELAYS.kinesisToEsm) + draw(DELAYS.esmBatchingWindow), esmBusyUntil);
    queue.push(at, () => {
      esmScheduled = false;
      invoke(at, pending.splice(0, PIPELINE_MAPPING_SETTINGS.batchSize), 0);
    });
  };
  const emitAggregates = (batch: readonly { snapshot: BmcSnapshot }[], doneAt: number) => {
    const { groups } = assessSnapshots(
      batch.map((b) => b.snapshot),
      state,
      assess,
    );
    const emfAt = doneAt + draw(DELAYS.emfToMetric);
    for (const g of groups)
      for (const [key, value] of Object.entries(g.values))
        fw(key as MetricKey, { Environment: g.environment, Cluster: g.cluster }, g.minuteMs, value as number, emfAt);
    // The environment total the ingest publishes per minute (emf.ts; gpu-spend reads it).
    const gpusPerMinute = new Map<number, number>();
    for (const g of groups) gpusPerMinute.set(g.minuteMs, (gpusPerMinute.get(g.minuteMs) ?? 0) + (g.values.gpusReporting ?? 0));
    for (const [minuteMs, gpus] of gpusPerMinute) fw("gpusReportingInEnvironment", { Environment: env }, minuteMs, gpus, emfAt);
  };
  const invoke = (at: number, batch: { snapshot: BmcSnapshot; arrivedAt: number }[], attempt: number) => {
    if (batch.length === 0) return;
    counters.ingestInvocations = (counters.ingestInvocations ?? 0) + 1;
    const condition = world.ingest(at);
    const duration = coldStart() + draw(DELAYS.ingestRun) + Math.round(condition.secondsPerRecord * 1000 * batch.length);
    const doneAt = at + duration;
    esmBusyUntil = doneAt;
    const oldest = Math.min(...batch.map((b) => b.arrivedAt));
    aws("ingestFunction", "IteratorAge", at - (at % MIN), at - oldest, at);
    const failed = rng.chance(condition.failureShare);
    queue.push(doneAt, () => {
      aws("ingestFunction", "Errors", doneAt - (doneAt % MIN), failed ? 1 : 0, doneAt);
      if (failed) {
        counters.ingestFailures = (counters.ingestFailures ?? 0) + 1;
        if (attempt < PIPELINE_MAPPING_SETTINGS.retryAttempts) {
          // Lambda retries with backoff; the shard is blocked meanwhile (assumed 1 s doubling, capped at 60 s).
          const backoff = Math.min(60_000, 1000 * 2 ** attempt);
          esmBusyUntil = doneAt + backoff;
          queue.push(doneAt + backoff, () => invoke(doneAt + backoff, batch, attempt + 1));
        } else {
          // Retries exhausted: the on-failure destination (the ingest DLQ) gets the batch's metadata.
          dlqDepth++;
          counters.deadLetters = (counters.deadLetters ?? 0) + 1;
          if (pending.length) scheduleEsm(doneAt);
        }
        return;
      }
      emitAggregates(batch, doneAt);
      if (rng.chance(PROBABILITIES.duplicateDelivery.p)) {
        counters.duplicateDeliveries = (counters.duplicateDeliveries ?? 0) + 1;
        emitAggregates(batch, doneAt + draw(DELAYS.ingestRun));
      }
      if (pending.length) scheduleEsm(doneAt);
    });
  };
  // SQS publishes the queue depth every minute; the operator purges the DLQ when a fault is repaired.
  for (let minute = start; minute < end; minute += MIN) {
    queue.push(minute + 30_000, () => {
      aws("deadLetterQueue", "ApproximateNumberOfMessagesVisible", minute, dlqDepth, minute + 30_000);
      aws("pagingDeliveryFailures", "ApproximateNumberOfMessagesVisible", minute, 0, minute + 30_000);
    });
  }
  for (const f of scenario.faults) {
    if (!f.effects.some((e) => e.kind === "ingest-errors")) continue;
    const w = windows[scenario.faults.indexOf(f)] as ActiveWindow;
    queue.push(w.untilMs, () => {
      dlqDepth = 0;
    });
  }

  // ---------------------------------------------------------------- Azure OpenAI poller
  const prices = config.azure?.prices ?? {};
  const azurePhase = draw(DELAYS.schedulePhase);
  const metricsArrival = new Map<number, number>();
  const logsArrival = new Map<number, number>();
  const arrival = (map: Map<number, number>, minute: number, stage: Stage) => {
    let a = map.get(minute);
    if (a === undefined) {
      a = minute + MIN + draw(stage);
      map.set(minute, a);
    }
    return a;
  };
  let metricsDone = start - 30 * MIN;
  let logsDone = start - 30 * MIN;
  let lastAzureSuccess = start;
  for (let minute = start; minute < end; minute += MIN) {
    queue.push(minute + azurePhase, () => {
      const now = minute + azurePhase + draw(DELAYS.schedulerDelivery) + coldStart() + draw(DELAYS.azurePollRun);
      const visible = now + draw(DELAYS.putMetricDataVisible);
      const publish = (key: MetricKey, deployment: string, m: number, value: number) =>
        fw(key, { Environment: env, Deployment: deployment }, m, value, visible);
      for (let m = metricsDone + MIN; m + MIN + AZURE_SETTLE_MINUTES.metrics * MIN <= now; m += MIN) {
        metricsDone = m;
        const late = arrival(metricsArrival, m, DELAYS.azureMetricsIngestion) > now;
        if (late) counters.azureMinutesLate = (counters.azureMinutesLate ?? 0) + 1;
        else counters.azureMinutesPublished = (counters.azureMinutesPublished ?? 0) + 1;
        if (late) continue; // Settled but empty in Azure: the poller publishes nothing for it, once.
        for (const d of SIM_DEPLOYMENTS) {
          const c = world.minuteTraffic(d.name, m);
          const index = Math.round(m / MIN);
          const requests = Math.round(d.requestsPerMinute * (1 + 0.05 * Math.sin(index / 7)));
          const throttled = Math.round(requests * c.throttledShare);
          const failed = Math.round((requests - throttled) * c.serverErrorShare);
          const ok = requests - throttled - failed;
          const price = prices[d.model];
          publish("aoaiRequests", d.name, m, requests);
          publish("aoaiSuccessfulRequests", d.name, m, ok);
          publish("aoaiUnavailableRequests", d.name, m, throttled + failed);
          publish("aoai429RatePercent", d.name, m, requests > 0 ? (100 * throttled) / requests : 0);
          publish(
            "aoaiTpmUtilizationPercent",
            d.name,
            m,
            (100 * ok * (d.promptTokensPerRequest + d.completionTokensPerRequest)) / (d.capacity * 1000),
          );
          if (price)
            publish(
              "aoaiEstimatedCostUsd",
              d.name,
              m,
              (ok * (d.promptTokensPerRequest * price.inputUsdPer1kTokens + d.completionTokensPerRequest * price.outputUsdPer1kTokens)) /
                1000,
            );
        }
      }
      for (let m = logsDone + MIN; m + MIN + AZURE_SETTLE_MINUTES.logs * MIN <= now; m += MIN) {
        logsDone = m;
        if (arrival(logsArrival, m, DELAYS.azureLogsIngestion) > now) continue;
        for (const d of SIM_DEPLOYMENTS) {
          const c = world.minuteTraffic(d.name, m);
          const slo = config.azure?.accounts[0]?.deployments.find((x) => x.name === d.name)?.sloP99Ms ?? d.sloP99Ms;
          publish("aoaiLatencyP99Ms", d.name, m, Math.round((slo / 2) * c.latencyFactor));
        }
      }
      fw("azureTelemetryStalenessSeconds", { Environment: env }, now, Math.round((now - lastAzureSuccess) / 1000), visible);
      lastAzureSuccess = now;
      aws("azurePollerFunction", "Errors", now - (now % MIN), 0, now);
    });
  }

  // ---------------------------------------------------------------- CloudWatch alarms
  const tracked: Tracked[] = [...catalogAlarms, ...burnRate.windows].map((spec) => ({
    spec,
    offsetMs: draw(DELAYS.alarmEvaluationOffset),
    read: reader(spec, store),
    state: "INSUFFICIENT_DATA",
    log: [],
  }));
  for (const t of tracked) {
    const rangeSize = options.evaluationRange(t.spec);
    for (let boundary = start + MIN; boundary <= end; boundary += MIN) {
      const at = boundary + t.offsetMs;
      queue.push(at, () => {
        const next = evaluateRange(t.spec, t.read(boundary, at, rangeSize), t.state);
        if (next !== t.state) {
          t.log.push({ at, to: next });
          t.state = next;
        }
      });
    }
  }

  for (let e = queue.pop(); e; e = queue.pop()) e.run();

  // ---------------------------------------------------------------- actions and delivery
  const pages: Page[] = [];
  const deliver = (spec: AlarmSpec, actionAt: number) => {
    let ms = draw(DELAYS.snsPublish);
    if (spec.tier === "P1") ms += coldStart() + draw(DELAYS.p1Enricher) + draw(DELAYS.pagerDuty);
    else if (spec.tier === "P2") ms += draw(DELAYS.chatbot);
    else ms += draw(DELAYS.email);
    return actionAt + ms;
  };
  const byName = new Map(tracked.map((t) => [t.spec.name, t]));
  for (const t of tracked) {
    const { spec } = t;
    if (burnRateWindows.has(spec.name)) continue; // no actions: the composite pages
    if (spec.suppressedByAlarm) {
      const suppressor = byName.get(spec.suppressedByAlarm);
      const actions = compositeActions(
        t.log,
        suppressor?.log ?? [],
        { waitMs: SUPPRESSOR_TIMING.waitSeconds * 1000, extensionMs: SUPPRESSOR_TIMING.extensionSeconds * 1000 },
        end,
      );
      for (const a of actions)
        pages.push({ kind: a.kind, alarm: spec.pagingAlarmName, spec, actionAt: a.at, deliveredAt: deliver(spec, a.at) });
    } else {
      let previous: AlarmState = "INSUFFICIENT_DATA";
      for (const change of t.log) {
        if (change.to === "ALARM")
          pages.push({ kind: "ALARM", alarm: spec.name, spec, actionAt: change.at, deliveredAt: deliver(spec, change.at) });
        else if (change.to === "OK" && previous === "ALARM")
          pages.push({ kind: "OK", alarm: spec.name, spec, actionAt: change.at, deliveredAt: deliver(spec, change.at) });
        previous = change.to;
      }
    }
  }
  // SLO composites: ALARM while both windows alarm, OK when either recovers; the GPU fleet SLO's
  // composites are suppressed by the network-outage alarm, as in lib/alarms/burn-rate-alarms.ts.
  for (const spec of burnRate.composites) {
    const windows = burnRate.windows.filter((w) => w.pagingAlarmName === spec.name);
    const [long, short] = windows.map((w) => byName.get(w.name)?.log ?? []) as [StateChange[], StateChange[]];
    const own: StateChange[] = burnRateCompositeActions(long, short).map((a) => ({ at: a.at, to: a.kind }));
    const suppressedBy = sloById(spec.signalId.split("/")[0] as Parameters<typeof sloById>[0]).suppressedBy;
    const suppressor = suppressedBy ? catalogAlarms.find((a) => a.signalId === suppressedBy) : undefined;
    if (suppressor) {
      const actions = compositeActions(
        own,
        byName.get(suppressor.name)?.log ?? [],
        { waitMs: SUPPRESSOR_TIMING.waitSeconds * 1000, extensionMs: SUPPRESSOR_TIMING.extensionSeconds * 1000 },
        end,
      );
      for (const a of actions) pages.push({ kind: a.kind, alarm: spec.name, spec, actionAt: a.at, deliveredAt: deliver(spec, a.at) });
    } else {
      for (const change of own)
        pages.push({
          kind: change.to as "ALARM" | "OK",
          alarm: spec.name,
          spec,
          actionAt: change.at,
          deliveredAt: deliver(spec, change.at),
        });
    }
  }
  pages.sort((a, b) => a.actionAt - b.actionAt);
  const transitions = new Map(tracked.map((t) => [t.spec.name, t.log]));
  return { seed: options.seed, t0, scenario, alarms, pages, noise, faultStart, counters, transitions, store };
}

/** Reads an alarm's evaluation range from the store: one value (or null) per period, oldest first. */
function reader(spec: AlarmSpec, store: SeriesStore): Tracked["read"] {
  const periodMs = spec.periodSeconds * 1000;
  const key = (metric: MetricKey, extra: Readonly<Record<string, string>> = {}) => {
    const dims: Record<string, string> = {};
    const all = { ...spec.dimensions, ...extra };
    for (const d of METRICS[metric].dimensions) if (all[d] !== undefined) dims[d] = all[d] as string;
    return seriesKeyOf(METRIC_NAMESPACE, METRICS[metric].name, dims);
  };
  const series = (k: string, boundary: number, visibleAt: number, rangeSize: number, statistic: AlarmSpec["statistic"]) => {
    const out: (number | null)[] = [];
    for (let i = rangeSize; i >= 1; i--) {
      const from = boundary - i * periodMs;
      const values = store.read(k, from, from + periodMs, visibleAt).map((d) => d.value);
      out.push(values.length ? applyStatistic(values, statistic) : null);
    }
    return out;
  };
  const source = spec.source;
  if (source.kind === "fleetwatch") {
    const k = key(source.metric);
    return (boundary, visibleAt, rangeSize) => series(k, boundary, visibleAt, rangeSize, spec.statistic);
  }
  if (source.kind === "resource") {
    const k = seriesKeyOf("AWS", source.metricName, { Resource: source.resource });
    return (boundary, visibleAt, rangeSize) => series(k, boundary, visibleAt, rangeSize, spec.statistic);
  }
  const expression = parseExpression(source.expression);
  const inputs = Object.entries(source.inputs).map(([id, input]) => ({ id, input, k: key(input.metric, input.dimensions) }));
  return (boundary, visibleAt, rangeSize) => {
    const perInput = inputs.map(({ id, input, k }) => [id, series(k, boundary, visibleAt, rangeSize, input.statistic)] as const);
    const out: (number | null)[] = [];
    for (let i = 0; i < rangeSize; i++) {
      const values: Record<string, number | null> = {};
      for (const [id, s] of perInput) values[id] = s[i] ?? null;
      out.push(evaluateExpression(expression, values, spec.periodSeconds));
    }
    return out;
  };
}
