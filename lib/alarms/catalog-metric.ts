/**
 * A catalog metric query (core/catalog: metricQueryOf) as the CDK metric an alarm evaluates:
 * one Metric, or a MathExpression over its inputs with the catalog's ids. The dashboards draw
 * the same query (dashboards/signal-graph.ts), so a graph and its alarm cannot drift apart.
 */
import type { Duration } from "aws-cdk-lib";
import { ComparisonOperator, type IMetric, MathExpression, Metric, TreatMissingData } from "aws-cdk-lib/aws-cloudwatch";
import type { MetricInput, metricQueryOf } from "../../core/catalog/resolve";
import type { AlarmSpec } from "../../core/catalog/types";
import { METRIC_NAMESPACE, METRICS } from "../../core/metric-registry";

export type CatalogMetricQuery = NonNullable<ReturnType<typeof metricQueryOf>>;

export function cdkMetric(query: CatalogMetricQuery, period: Duration): IMetric {
  const metric = (input: MetricInput) =>
    new Metric({
      namespace: METRIC_NAMESPACE,
      metricName: METRICS[input.metric].name,
      dimensionsMap: { ...input.dimensions },
      statistic: input.statistic,
      period,
    });
  if (query.expression === undefined) {
    const single = query.inputs.m;
    if (!single) throw new Error("catalog metric query without expression must have exactly input m");
    return metric(single);
  }
  const usingMetrics = Object.fromEntries(Object.entries(query.inputs).map(([id, input]) => [id, metric(input)]));
  return new MathExpression({ expression: query.expression, usingMetrics, period, ...(query.label ? { label: query.label } : {}) });
}

/** The catalog's comparison operators and missing-data policies as CDK enums. */
export const CDK_COMPARISON: Record<AlarmSpec["comparison"], ComparisonOperator> = {
  GreaterThanThreshold: ComparisonOperator.GREATER_THAN_THRESHOLD,
  GreaterThanOrEqualToThreshold: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
  LessThanThreshold: ComparisonOperator.LESS_THAN_THRESHOLD,
  LessThanOrEqualToThreshold: ComparisonOperator.LESS_THAN_OR_EQUAL_TO_THRESHOLD,
};
export const CDK_TREAT_MISSING: Record<AlarmSpec["treatMissingData"], TreatMissingData> = {
  missing: TreatMissingData.MISSING,
  notBreaching: TreatMissingData.NOT_BREACHING,
  breaching: TreatMissingData.BREACHING,
  ignore: TreatMissingData.IGNORE,
};
