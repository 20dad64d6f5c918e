/**
 * The "CloudWatch Alarm State Change" event EventBridge delivers for every alarm state change
 * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/cloudwatch-and-eventbridge.html,
 * "Alarm state change events"): `detail.alarmName`, `detail.state` and `detail.previousState`,
 * each with `value` (OK | ALARM | INSUFFICIENT_DATA), `reason` and `timestamp`
 * ("2019-10-02T17:04:40.985+0000"). Composite alarms send the same shape. Only the fields the
 * recorder reads are validated; the rest of the event passes through untouched.
 */
import { z } from "zod";

const ALARM_STATE_CHANGE = "CloudWatch Alarm State Change";
const ALARM_STATES = ["OK", "ALARM", "INSUFFICIENT_DATA"] as const;
export type AlarmStateValue = (typeof ALARM_STATES)[number];

/** CloudWatch writes "+0000" offsets; accept those and ISO 8601 with Z or "+00:00". */
const timestamp = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:?\d{2})$/, "an ISO 8601 timestamp like 2019-10-02T17:04:40.985+0000")
  .transform((s) => Date.parse(s.replace(/([+-]\d{2})(\d{2})$/, "$1:$2")));

const State = z.object({
  value: z.enum(ALARM_STATES),
  reason: z.string().default(""),
  timestamp,
});

const AlarmStateChangeEventSchema = z.object({
  "detail-type": z.literal(ALARM_STATE_CHANGE),
  source: z.literal("aws.cloudwatch"),
  region: z.string(),
  resources: z.array(z.string()).default([]),
  detail: z.object({
    alarmName: z.string().min(1),
    state: State,
    /** Absent on an alarm's very first evaluation. */
    previousState: State.optional(),
    configuration: z.object({ description: z.string().optional() }).optional(),
  }),
});

export interface AlarmChange {
  readonly alarmName: string;
  readonly alarmArn?: string;
  readonly state: AlarmStateValue;
  /** epoch ms of this state change. */
  readonly at: number;
  readonly previousState?: AlarmStateValue;
  /** epoch ms when the previous state began. */
  readonly previousAt?: number;
  readonly reason: string;
  readonly description?: string;
}

export class AlarmEventError extends Error {
  override name = "AlarmEventError";
}

/** Validates one event; the error names each bad field (never echoes values: reasons can be long). */
export function parseAlarmStateChange(event: unknown): AlarmChange {
  const result = AlarmStateChangeEventSchema.safeParse(event);
  if (!result.success) {
    const fields = result.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`).join("; ");
    throw new AlarmEventError(
      `not a CloudWatch Alarm State Change event (${fields}); the EventBridge rule must match detail-type "${ALARM_STATE_CHANGE}"`,
    );
  }
  const { detail, resources } = result.data;
  return {
    alarmName: detail.alarmName,
    ...(resources[0] ? { alarmArn: resources[0] } : {}),
    state: detail.state.value,
    at: detail.state.timestamp,
    ...(detail.previousState ? { previousState: detail.previousState.value, previousAt: detail.previousState.timestamp } : {}),
    reason: detail.state.reason,
    ...(detail.configuration?.description ? { description: detail.configuration.description } : {}),
  };
}
