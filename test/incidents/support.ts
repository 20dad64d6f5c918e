/** Alarm state change events for the incident tests, derived from the documented example (fixtures/). */
import { readFileSync } from "node:fs";
import { INCIDENT_TABLE_KEYS } from "../../core/contracts/table-keys";
import { startDynaliteTable } from "../../dev-support/dynalite-table";

const example = JSON.parse(readFileSync(new URL("./fixtures/alarm-state-change.json", import.meta.url), "utf8"));

type State = "OK" | "ALARM" | "INSUFFICIENT_DATA";

/** CloudWatch's timestamp format: 2026-11-22T10:05:10.123+0000. */
export function cwTime(ms: number): string {
  return new Date(ms).toISOString().replace("Z", "+0000");
}

export function stateChange(opts: { alarmName?: string; from: State; to: State; at: number; previousAt: number }): unknown {
  const e = structuredClone(example);
  if (opts.alarmName) {
    e.detail.alarmName = opts.alarmName;
    e.resources = [`arn:aws:cloudwatch:eu-west-1:222222222222:alarm:${opts.alarmName}`];
  }
  e.detail.state.value = opts.to;
  e.detail.state.timestamp = cwTime(opts.at);
  e.detail.previousState.value = opts.from;
  e.detail.previousState.timestamp = cwTime(opts.previousAt);
  e.time = new Date(opts.at).toISOString().replace(/\.\d+Z$/, "Z");
  return e;
}

export function startIncidentTable(table: string) {
  return startDynaliteTable(table, { name: INCIDENT_TABLE_KEYS.partitionKey, type: "S" });
}
