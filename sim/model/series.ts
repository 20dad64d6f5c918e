/**
 * CloudWatch's metric storage for the seeded simulation: every datapoint with its own timestamp
 * and the instant it becomes visible to alarms (sent + the delay drawn for its path). Series are
 * kept sorted by timestamp so an evaluation reads only its range.
 */
import { seriesKey } from "../metric-store";

export interface Datum {
  readonly timestamp: number;
  readonly value: number;
  readonly visibleAt: number;
}

export class SeriesStore {
  private readonly series = new Map<string, Datum[]>();
  count = 0;

  put(namespace: string, name: string, dimensions: Readonly<Record<string, string>>, datum: Datum): void {
    const key = seriesKey(namespace, name, dimensions);
    let list = this.series.get(key);
    if (!list) {
      list = [];
      this.series.set(key, list);
    }
    let i = list.length;
    while (i > 0 && (list[i - 1] as Datum).timestamp > datum.timestamp) i--;
    list.splice(i, 0, datum);
    this.count++;
  }

  /** Values with from <= timestamp < to that are visible at `visibleAt`, by timestamp. */
  read(key: string, from: number, to: number, visibleAt: number): Datum[] {
    const list = this.series.get(key);
    if (!list) return [];
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((list[mid] as Datum).timestamp < from) lo = mid + 1;
      else hi = mid;
    }
    const out: Datum[] = [];
    for (let i = lo; i < list.length; i++) {
      const d = list[i] as Datum;
      if (d.timestamp >= to) break;
      if (d.visibleAt <= visibleAt) out.push(d);
    }
    return out;
  }
}
