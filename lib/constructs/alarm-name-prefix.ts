/**
 * The name prefix every alarm of one environment carries: FleetWatch/<env>/ (core/catalog/resolve.ts
 * alarmName, core/catalog/slo.ts burnRateAlarmName). The incident recorder's EventBridge rule
 * matches it, and the paging key's policy admits CloudWatch only for alarms under it.
 */
export function alarmNamePrefix(environment: string): string {
  return `FleetWatch/${environment}/`;
}
