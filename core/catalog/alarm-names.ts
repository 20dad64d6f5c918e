/**
 * Every FleetWatch alarm name starts FleetWatch/<env>/: the signal alarms (resolve.ts alarmName),
 * the burn-rate alarms (slo.ts burnRateAlarmName), the incident recorder's EventBridge rule and
 * the paging key's policy all rely on it, and the enricher parses names back from it.
 */
export const ALARM_NAME_ROOT = "FleetWatch";

export function alarmNamePrefix(environment: string): string {
  return `${ALARM_NAME_ROOT}/${environment}/`;
}
