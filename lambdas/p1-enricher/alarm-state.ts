/**
 * Adapter: an alarm's current state from CloudWatch DescribeAlarms (metric or composite alarm),
 * for the enricher's ALARM/OK ordering check (page.ts).
 */
import { CloudWatchClient, DescribeAlarmsCommand } from "@aws-sdk/client-cloudwatch";
import type { AlarmStateNow } from "./page";

export function alarmStateReader(client: CloudWatchClient = new CloudWatchClient({})) {
  return async (alarmName: string): Promise<AlarmStateNow | undefined> => {
    const out = await client.send(new DescribeAlarmsCommand({ AlarmNames: [alarmName], AlarmTypes: ["MetricAlarm", "CompositeAlarm"] }));
    const alarm = out.MetricAlarms?.[0] ?? out.CompositeAlarms?.[0];
    // StateTransitionedTimestamp: when StateValue last changed (StateUpdatedTimestamp also moves
    // on reason-only updates).
    const changedAt = alarm?.StateTransitionedTimestamp ?? alarm?.StateUpdatedTimestamp;
    if (!alarm?.StateValue || !changedAt) return undefined;
    return { state: alarm.StateValue, reason: alarm.StateReason ?? "", updatedAt: changedAt };
  };
}
