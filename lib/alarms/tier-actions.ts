/**
 * What an alarm that pages does: ALARM and OK both go to its tier's topic (so a PagerDuty
 * incident resolves itself), and a composite that pages on behalf of other alarms may be held
 * back while an explaining alarm is in ALARM (core/catalog/composite.ts: SUPPRESSOR_TIMING).
 */
import { Duration } from "aws-cdk-lib";
import { type Alarm, CompositeAlarm, type IAlarm, type IAlarmRule } from "aws-cdk-lib/aws-cloudwatch";
import { SnsAction } from "aws-cdk-lib/aws-cloudwatch-actions";
import type { ITopic } from "aws-cdk-lib/aws-sns";
import type { Construct } from "constructs";
import { SUPPRESSOR_TIMING } from "../../core/catalog/composite";

export function addTierActions(alarm: Alarm | CompositeAlarm, topic: ITopic): void {
  const action = new SnsAction(topic);
  alarm.addAlarmAction(action);
  alarm.addOkAction(action);
}

export interface PagingCompositeProps {
  readonly name: string;
  readonly description: string;
  readonly rule: IAlarmRule;
  readonly topic: ITopic;
  /** An alarm whose ALARM explains this one's: its actions wait for it and stay quiet while it is in ALARM. @default none */
  readonly suppressor?: IAlarm;
}

/** A composite alarm that pages its tier, suppressed by `suppressor` when given. */
export function pagingComposite(scope: Construct, id: string, props: PagingCompositeProps): CompositeAlarm {
  const composite = new CompositeAlarm(scope, id, {
    compositeAlarmName: props.name,
    alarmDescription: props.description,
    alarmRule: props.rule,
    ...(props.suppressor
      ? {
          actionsSuppressor: props.suppressor,
          actionsSuppressorWaitPeriod: Duration.seconds(SUPPRESSOR_TIMING.waitSeconds),
          actionsSuppressorExtensionPeriod: Duration.seconds(SUPPRESSOR_TIMING.extensionSeconds),
        }
      : {}),
  });
  addTierActions(composite, props.topic);
  return composite;
}
