import type { Alarm, CompositeAlarm } from "aws-cdk-lib/aws-cloudwatch";
import { SnsAction } from "aws-cdk-lib/aws-cloudwatch-actions";
import type { ITopic } from "aws-cdk-lib/aws-sns";

/** ALARM and OK both go to the tier's topic, so a PagerDuty incident resolves itself. */
export function addTierActions(alarm: Alarm | CompositeAlarm, topic: ITopic): void {
  const action = new SnsAction(topic);
  alarm.addAlarmAction(action);
  alarm.addOkAction(action);
}
