/**
 * How FleetWatch's alarm constructs are named and referenced: a construct id from the alarm
 * name, and, for an alarm in a nested stack, a reference by its ARN so the main stack's
 * dashboards and rules need no cross-stack output.
 */
import { ArnFormat, Stack } from "aws-cdk-lib";
import { Alarm, type IAlarm } from "aws-cdk-lib/aws-cloudwatch";
import type { Construct } from "constructs";

/** FleetWatch/<env>/<signal>/<level>[/<scope>] -> "<signal>-<level>[-<scope>]", safe as a construct id. */
export function alarmConstructId(alarmName: string): string {
  return alarmName
    .split("/")
    .slice(2)
    .map((p) => p.replace(/[^A-Za-z0-9]/g, "_"))
    .join("-");
}

/** The alarm itself when it lives in `scope`'s stack part, else a reference by ARN created under `owner`. */
export function alarmRef(owner: Construct, alarm: IAlarm, alarmName: string, sameScope: boolean): IAlarm {
  if (sameScope) return alarm;
  return Alarm.fromAlarmArn(
    owner,
    `${alarmConstructId(alarmName)}Ref`,
    Stack.of(owner).formatArn({
      service: "cloudwatch",
      resource: "alarm",
      resourceName: alarmName,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    }),
  );
}
