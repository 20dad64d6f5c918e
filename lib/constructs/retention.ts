import type { RetentionDays } from "aws-cdk-lib/aws-logs";

/** config.retention.logDays is validated against CloudWatch's allowed values; the enum values are those days. */
export function logRetention(days: number): RetentionDays {
  return days as RetentionDays;
}
