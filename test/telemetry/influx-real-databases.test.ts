/**
 * The InfluxDB sink against real databases started from Debian's packages (test/support/
 * local-databases.ts): VictoriaMetrics (InfluxDB v2 write API; read back through its export API)
 * and InfluxDB 1.x (strict line-protocol parser; read back with InfluxQL). Expected values come
 * from the snapshots the test builds, never from what the sink sent.
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { BmcSnapshot } from "../../core/snapshot";
import { snapshotFor } from "../../dev-support/snapshot-fleet";
import { InfluxSink } from "../../lambdas/telemetry-ingest/influx-sink";
import { type SinkPoint, shapeSnapshot } from "../../lambdas/telemetry-ingest/records";
import { type LocalDatabase, startInfluxDb1, startVictoriaMetrics } from "../support/local-databases";

const AT = new Date(Math.floor(Date.now() / 60_000) * 60_000 - 5 * 60_000).toISOString();
const retry = { maxAttempts: 2, delayMs: () => 0, maxRetryAfterMs: 0 };

/** Values line protocol must escape, in every place a snapshot can carry text. */
function awkwardSnapshot(environment: string): BmcSnapshot {
  const s = snapshotFor(7, AT, { environment });
  return {
    ...s,
    components: s.components.map((c) =>
      c.kind === "gpu"
        ? { ...c, id: `${c.id} slot=1,a`, name: 'NVIDIA B200 "SXM6", 180GB=big', throttleReasons: ["HwSlowdown", 'Sw "Power" \\ Cap'] }
        : c,
    ),
  };
}

function fleet(environment: string): SinkPoint[] {
  const snapshots = [
    ...Array.from({ length: 40 }, (_, i) => snapshotFor(i, AT, { environment, clusters: ["train-a", "infer-b"] })),
    awkwardSnapshot(environment),
  ];
  return snapshots.flatMap((s, i) => shapeSnapshot(s, i));
}

function tagsOf(p: SinkPoint): Record<string, string> {
  return { environment: p.environment, cluster: p.cluster, ...Object.fromEntries(p.dimensions.map((d) => [d.Name, d.Value])) };
}

const canonicalTags = (tags: Record<string, string>) =>
  Object.keys(tags)
    .sort()
    .map((k) => `${k}=${tags[k]}`)
    .join(",");

describe("VictoriaMetrics (InfluxDB v2 write API): what was written reads back exactly", () => {
  let vm: LocalDatabase & { flush(): Promise<void> };
  beforeAll(async () => {
    vm = await startVictoriaMetrics();
  });
  afterAll(async () => {
    await vm?.close();
  });

  test("every numeric and boolean field of every point, at its timestamp, and nothing else", async () => {
    const points = fleet("it-vm");
    const sink = new InfluxSink({ url: vm.v2Url, token: "unused-by-victoria-metrics", org: "fleetwatch", bucket: "gpu-telemetry", retry });
    expect(await sink.write(points)).toEqual({ written: points.length, rejected: [], failed: [] });
    await vm.flush();

    // VictoriaMetrics names a series <measurement>_<field> and keeps numbers (booleans as 1/0);
    // it has no string type, so VARCHAR fields are not compared here (InfluxDB 1.x below does).
    const expected = new Map<string, number>();
    for (const p of points) {
      for (const m of p.measures) {
        if (m.Type === "VARCHAR") continue;
        const value = m.Type === "BOOLEAN" ? (m.Value === "true" ? 1 : 0) : Number(m.Value);
        expected.set(`${p.measureName}_${m.Name}{${canonicalTags(tagsOf(p))}}@${p.timeMs}`, value);
      }
    }
    const stringFields = new Set(
      points.flatMap((p) => p.measures.filter((m) => m.Type === "VARCHAR").map((m) => `${p.measureName}_${m.Name}`)),
    );
    const exported = await fetch(`${vm.url}/api/v1/export`, {
      method: "POST",
      body: new URLSearchParams({ "match[]": '{environment="it-vm"}' }),
    });
    expect(exported.status).toBe(200);
    const actual = new Map<string, number>();
    for (const line of (await exported.text()).split("\n").filter(Boolean)) {
      const series = JSON.parse(line) as { metric: Record<string, string>; values: number[]; timestamps: number[] };
      const { __name__: name, ...tags } = series.metric;
      if (stringFields.has(name as string)) continue;
      series.timestamps.forEach((t, i) => {
        const key = `${name}{${canonicalTags(tags)}}@${t}`;
        expect(actual.has(key), `duplicate sample ${key}`).toBe(false);
        actual.set(key, series.values[i] as number);
      });
    }
    expect(actual.size).toBe(expected.size);
    expect(Object.fromEntries(actual)).toEqual(Object.fromEntries(expected));
  });
});

describe("InfluxDB 1.x (strict /write): every line the sink produces is accepted and reads back", () => {
  const DB = "fleetwatch";
  let influx: LocalDatabase;
  beforeAll(async () => {
    influx = await startInfluxDb1(DB);
  });
  afterAll(async () => {
    await influx?.close();
  });

  async function stored(): Promise<Map<string, Record<string, unknown>>> {
    const res = await fetch(`${influx.url}/query?${new URLSearchParams({ db: DB, epoch: "ms", q: "SELECT * FROM /.*/ GROUP BY *" })}`);
    const body = (await res.json()) as {
      results: Array<{
        error?: string;
        series?: Array<{ name: string; tags: Record<string, string>; columns: string[]; values: unknown[][] }>;
      }>;
    };
    expect(body.results[0]?.error).toBeUndefined();
    const out = new Map<string, Record<string, unknown>>();
    for (const s of body.results[0]?.series ?? []) {
      // GROUP BY * reports absent tags as "": they are not part of the series.
      const tags = Object.fromEntries(Object.entries(s.tags).filter(([, v]) => v !== ""));
      for (const row of s.values) {
        const fields = Object.fromEntries(
          s.columns
            .slice(1)
            .map((c, i) => [c, row[i + 1]])
            .filter(([, v]) => v !== null),
        );
        out.set(`${s.name}{${canonicalTags(tags)}}@${row[0]}`, fields);
      }
    }
    return out;
  }

  test("all points stored with their typed values; a redelivery overwrites (the point count stays)", async () => {
    const points = fleet("it-influx1");
    const sink = new InfluxSink({ url: influx.v2Url, token: "unused", org: "unused", bucket: DB, retry });
    // Strict parser: a single refused line would show up as a rejection with InfluxDB's reason.
    expect(await sink.write(points)).toEqual({ written: points.length, rejected: [], failed: [] });

    const expected = new Map<string, Record<string, unknown>>();
    for (const p of points) {
      const fields = Object.fromEntries(
        p.measures.map((m) => [m.Name, m.Type === "BOOLEAN" ? m.Value === "true" : m.Type === "VARCHAR" ? m.Value : Number(m.Value)]),
      );
      expected.set(`${p.measureName}{${canonicalTags(tagsOf(p))}}@${p.timeMs}`, fields);
    }
    const first = await stored();
    expect(first.size).toBe(points.length);
    expect(Object.fromEntries(first)).toEqual(Object.fromEntries(expected));

    expect((await sink.write(points)).written).toBe(points.length);
    const again = await stored();
    expect(again.size).toBe(points.length);
    expect(Object.fromEntries(again)).toEqual(Object.fromEntries(expected));
  });
});
