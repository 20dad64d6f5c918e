/**
 * The one table of CloudWatch comparison operators: how each reads in text (alarm descriptions,
 * dashboard threshold labels, the README alarm table) and what it means for a datapoint
 * (the evaluator). Names are CloudWatch's ComparisonOperator values
 * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html).
 */
import type { ComparisonOperator } from "./types";

export interface OperatorDefinition {
  /** How the condition reads: "> 83 °C", "≤ 0 %". */
  readonly symbol: string;
  /** True when `value` breaches `threshold`. */
  readonly breaches: (value: number, threshold: number) => boolean;
}

export const COMPARISON_OPERATORS: Readonly<Record<ComparisonOperator, OperatorDefinition>> = {
  GreaterThanThreshold: { symbol: ">", breaches: (v, t) => v > t },
  GreaterThanOrEqualToThreshold: { symbol: "≥", breaches: (v, t) => v >= t },
  LessThanThreshold: { symbol: "<", breaches: (v, t) => v < t },
  LessThanOrEqualToThreshold: { symbol: "≤", breaches: (v, t) => v <= t },
};

/** A condition as people read it: "> 83 °C". */
export function conditionText(comparison: ComparisonOperator, threshold: number, unit: string): string {
  return `${COMPARISON_OPERATORS[comparison].symbol} ${threshold} ${unit}`;
}
