/**
 * The CloudWatch alarm notification as SNS delivers it (the JSON in the SNS Message), and the
 * enrichment that adds the offending node/GPU to a P1 page without breaking what PagerDuty's
 * CloudWatch integration reads: AlarmName (its de-duplication key, so OK resolves the incident
 * ALARM opened), NewStateValue (ALARM opens, OK resolves), NewStateReason, AlarmDescription,
 * Trigger. Two Trigger shapes exist: single metric (MetricName/Namespace/Dimensions) and
 * metric math (Metrics[] of MetricDataQuery). Both are passed through untouched. Pure.
 */
import { z } from "zod";

const AlarmStateSchema = z.enum(["OK", "ALARM", "INSUFFICIENT_DATA"]);

const CloudWatchAlarmMessageSchema = z.looseObject({
  AlarmName: z.string().min(1),
  AlarmDescription: z.string().nullable().optional(),
  AWSAccountId: z.string(),
  NewStateValue: AlarmStateSchema,
  OldStateValue: AlarmStateSchema.optional(),
  NewStateReason: z.string(),
  StateChangeTime: z.string(),
  Region: z.string(),
  AlarmArn: z.string().optional(),
  Trigger: z.looseObject({}).optional(),
});
export type CloudWatchAlarmMessage = z.infer<typeof CloudWatchAlarmMessageSchema>;

/** A node/GPU (or node/fan, node) that explains the alarm. */
export interface Offender {
  readonly cluster: string;
  readonly bmc: string;
  /** GPU or fan id; absent when the node as a whole is the offender (unreachable BMC). */
  readonly component?: string;
  /** Short human text: "86 °C", "3 uncorrectable ECC errors", "status unreachable". */
  readonly detail: string;
}

/** SNS Subject is limited to 100 characters, ASCII, no line breaks. */
export const MAX_SUBJECT = 99;

/** The Subject CloudWatch itself uses: `ALARM: "<name>" in <region>`, shortened to SNS's limit. */
export function alarmSubject(message: Pick<CloudWatchAlarmMessage, "NewStateValue" | "AlarmName" | "Region">): string {
  const subject = `${message.NewStateValue}: "${message.AlarmName}" in ${message.Region}`;
  const ascii = subject.replace(/[^\x20-\x7e]/g, "?");
  return ascii.length <= MAX_SUBJECT ? ascii : `${ascii.slice(0, MAX_SUBJECT - 3)}...`;
}

export function parseAlarmMessage(text: string): CloudWatchAlarmMessage | undefined {
  try {
    const parsed = CloudWatchAlarmMessageSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

function describeOffenders(offenders: readonly Offender[], limit = 5): string {
  if (offenders.length === 0) return "";
  const shown = offenders.slice(0, limit).map((o) => `${o.bmc}${o.component ? ` ${o.component}` : ""} (${o.cluster}): ${o.detail}`);
  const more = offenders.length > limit ? ` and ${offenders.length - limit} more` : "";
  return `${shown.join("; ")}${more}`;
}

/**
 * Adds the offenders to the message. NewStateReason starts with them (PagerDuty shows it in
 * the incident), FleetWatchOffenders carries them structured (custom details); every field
 * CloudWatch set, Trigger included, stays as it was.
 */
export function enrichAlarmMessage(message: CloudWatchAlarmMessage, offenders: readonly Offender[], note?: string): CloudWatchAlarmMessage {
  const who = describeOffenders(offenders);
  const prefix = who ? `Offending: ${who}. ` : note ? `(${note}) ` : "";
  return {
    ...message,
    NewStateReason: `${prefix}${message.NewStateReason}`,
    ...(offenders.length > 0 ? { FleetWatchOffenders: offenders } : {}),
    ...(note ? { FleetWatchNote: note } : {}),
  };
}
