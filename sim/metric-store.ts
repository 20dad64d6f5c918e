/**
 * Every CloudWatch datapoint the real components emit, with the simulated time it reached
 * CloudWatch: EMF lines written by the ingest (captured where Lambda's stdout would be) and
 * PutMetricData calls from the Azure poller (received by the local CloudWatch server). The
 * alarm evaluator only sees a datapoint once it has arrived, like CloudWatch.
 */
export interface StoredDatum {
  readonly namespace: string;
  readonly name: string;
  readonly dimensions: Readonly<Record<string, string>>;
  /** The datapoint's own timestamp (epoch ms). */
  readonly timestamp: number;
  readonly value: number;
  /** When it reached CloudWatch (simulated epoch ms). */
  readonly receivedAt: number;
  /**
   * When the source poll that produced it obtained the data (the Redfish sweep, the Azure poll).
   * The reference run evaluates the alarms as if every datapoint were in CloudWatch at this
   * instant: the difference is what the pipeline adds (docs/simulation.md).
   */
  readonly obtainedAt: number;
  readonly via: "emf" | "put-metric-data" | "sim";
}

export function seriesKey(namespace: string, name: string, dimensions: Readonly<Record<string, string>>): string {
  const dims = Object.entries(dimensions)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => `${k}=${v}`)
    .join(",");
  return `${namespace}|${name}|${dims}`;
}

export class MetricStore {
  private readonly series = new Map<string, StoredDatum[]>();
  count = 0;
  /** Set by the run while a source poll's output flows through the pipeline. */
  obtainedAt: number | undefined;

  add(datum: Omit<StoredDatum, "obtainedAt"> & { obtainedAt?: number }): void {
    const d: StoredDatum = { ...datum, obtainedAt: datum.obtainedAt ?? this.obtainedAt ?? datum.receivedAt };
    const key = seriesKey(d.namespace, d.name, d.dimensions);
    const list = this.series.get(key) ?? [];
    list.push(d);
    this.series.set(key, list);
    this.count++;
  }

  /** Datapoints of one series (exact dimension set, as CloudWatch matches them). */
  get(namespace: string, name: string, dimensions: Readonly<Record<string, string>>): readonly StoredDatum[] {
    return this.series.get(seriesKey(namespace, name, dimensions)) ?? [];
  }

  /**
   * Parses one EMF document (CloudWatch embedded metric format) as CloudWatch Logs would:
   * every metric of every directive, with each dimension set, at the document's timestamp.
   */
  addEmfLine(line: string, receivedAt: number): number {
    let doc: Record<string, unknown>;
    try {
      doc = JSON.parse(line) as Record<string, unknown>;
    } catch {
      return 0;
    }
    const aws = doc._aws as
      | { Timestamp?: number; CloudWatchMetrics?: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string }[] }[] }
      | undefined;
    if (!aws?.CloudWatchMetrics || typeof aws.Timestamp !== "number") return 0;
    let added = 0;
    for (const directive of aws.CloudWatchMetrics) {
      for (const dimensionSet of directive.Dimensions.length ? directive.Dimensions : [[]]) {
        const dimensions: Record<string, string> = {};
        for (const d of dimensionSet) dimensions[d] = String(doc[d]);
        for (const m of directive.Metrics) {
          const raw = doc[m.Name];
          for (const value of Array.isArray(raw) ? raw : [raw]) {
            if (typeof value !== "number") continue;
            this.add({ namespace: directive.Namespace, name: m.Name, dimensions, timestamp: aws.Timestamp, value, receivedAt, via: "emf" });
            added++;
          }
        }
      }
    }
    return added;
  }
}
