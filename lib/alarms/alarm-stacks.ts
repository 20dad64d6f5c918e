/**
 * Where each alarm lives. CloudFormation allows 500 resources per stack
 * (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/cloudformation-limits.html),
 * and a fleet with dozens of clusters and deployments needs more alarms than that. Environment-
 * wide alarms always stay in the main stack. When the per-cluster and per-deployment alarms
 * would take the main stack past MAX_ALARMS_IN_MAIN_STACK, they go to nested stacks instead,
 * whole scope instances at a time (a cluster's alarms and their paging composites together),
 * in config order, at most MAX_ALARMS_PER_NESTED_STACK each. Pure.
 *
 * Crossing the threshold moves existing alarms between stacks, and CloudFormation cannot move a
 * named alarm: docs/deploy.md says how to cross it.
 */
import type { AlarmSpec } from "../../core/catalog/types";

/** The rest of the main stack is ~130 resources; 300 alarms keeps it well under 500. */
export const MAX_ALARMS_IN_MAIN_STACK = 300;
/** Per nested stack: room under 500 for the parameters' growth and a few more signals. */
export const MAX_ALARMS_PER_NESTED_STACK = 400;

/** Resources one spec becomes: its metric alarm, plus the paging composite when suppressed. */
const resourcesOf = (spec: AlarmSpec) => (spec.pagingAlarmName !== spec.name ? 2 : 1);
const instanceKey = (spec: AlarmSpec) =>
  spec.instance.cluster !== undefined
    ? `cluster:${spec.instance.cluster}`
    : spec.instance.deployment !== undefined
      ? `deployment:${spec.instance.deployment}`
      : undefined;

/** Alarm name -> nested stack index; alarms not in the map stay in the main stack. */
export function planAlarmStacks(specs: readonly AlarmSpec[]): Map<string, number> {
  const plan = new Map<string, number>();
  const total = specs.reduce((n, s) => n + resourcesOf(s), 0);
  if (total <= MAX_ALARMS_IN_MAIN_STACK) return plan;
  const byInstance = new Map<string, AlarmSpec[]>();
  for (const spec of specs) {
    const key = instanceKey(spec);
    if (key === undefined) continue;
    byInstance.set(key, [...(byInstance.get(key) ?? []), spec]);
  }
  let group = 0;
  let used = 0;
  for (const instanceSpecs of byInstance.values()) {
    const size = instanceSpecs.reduce((n, s) => n + resourcesOf(s), 0);
    if (used > 0 && used + size > MAX_ALARMS_PER_NESTED_STACK) {
      group++;
      used = 0;
    }
    for (const spec of instanceSpecs) plan.set(spec.name, group);
    used += size;
  }
  return plan;
}
