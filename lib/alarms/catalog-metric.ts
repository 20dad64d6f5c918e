/**
 * A catalog metric query (core/catalog: metricQueryOf) as the CDK metric an alarm evaluates:
 * one Metric, or a MathExpression over its inputs with the catalog's ids. The dashboards draw
 * the same query (dashboards/signal-graph.ts), so a graph and its alarm cannot drift apart.
 */
import type { Duration } from "aws-cdk-lib";
import { type IMetric, MathExpression, Metric } from "aws-cdk-lib/aws-cloudwatch";
import type { MetricInput, metricQueryOf } from "../../core/catalog/resolve";
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
