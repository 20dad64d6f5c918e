/**
 * A SinkPoint as one InfluxDB line-protocol line, through InfluxData's own Point (its escaping
 * and number formatting), so the same reading always becomes the same series and timestamp:
 * a redelivered snapshot overwrites its points instead of adding new ones.
 *
 * Data model (docs/telemetry.md, next to the Timestream tables):
 * - measurement = the Timestream measure name: gpu, fan, temperature, psu, chassis (components)
 *   and poll (one per snapshot);
 * - tags = environment, cluster, bmc, component, and system / model where the snapshot has them:
 *   all bounded by the fleet's inventory (no status, health, time or error text in a tag), so the
 *   series count is components x BMCs and does not grow with time;
 * - fields = the measures, typed: DOUBLE -> float, BIGINT -> integer (`i`), BOOLEAN -> boolean,
 *   VARCHAR -> string;
 * - timestamp = collectedAt in milliseconds (the write uses precision=ms).
 */
import { Point } from "@influxdata/influxdb-client";
import type { SinkPoint } from "./records";

export function toLine(point: SinkPoint): string {
  const p = new Point(point.measureName).tag("environment", point.environment).tag("cluster", point.cluster);
  for (const d of point.dimensions) p.tag(d.Name, d.Value);
  for (const m of point.measures) {
    switch (m.Type) {
      case "DOUBLE":
        p.floatField(m.Name, Number(m.Value));
        break;
      case "BIGINT":
        p.intField(m.Name, Number(m.Value));
        break;
      case "BOOLEAN":
        p.booleanField(m.Name, m.Value === "true");
        break;
      case "VARCHAR":
        p.stringField(m.Name, m.Value);
        break;
    }
  }
  p.timestamp(String(point.timeMs));
  const line = p.toLineProtocol();
  // shapeSnapshot never emits a point without measures; a line needs at least one field.
  if (line === undefined) throw new Error(`point ${point.measureName} at ${point.timeMs} has no fields`);
  return line;
}
