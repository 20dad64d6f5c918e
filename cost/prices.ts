/**
 * Public list prices the cost model (cost/model.ts, run by `npm run cost`; a tool, not part of
 * the deployed stack) uses: US East (N. Virginia) for AWS, pay-as-you-go for
 * Azure, in USD. Checked on 2026-11-22 against the pages cited per entry (through the
 * project's document search). `verified` says how: "page" when the number was read on the
 * cited page that day, "published-rate" when the page was reached but its rate table did not
 * render in the excerpt and the value is the rate AWS/Microsoft publishes there (re-check it
 * before using the model for a purchase decision).
 *
 * Free tiers are NOT subtracted (a production account shares them with everything else),
 * except where a free allowance is part of how the service bills (Scheduler, Azure metrics).
 */

export interface Price {
  readonly usd: number;
  readonly unit: string;
  readonly source: string;
  readonly verified: "page" | "published-rate";
}

const p = (usd: number, unit: string, source: string, verified: Price["verified"]): Price => ({ usd, unit, source, verified });

/** The public pricing page each price was read on, per service. */
export const PRICE_PAGES = {
  lambda: "https://aws.amazon.com/lambda/pricing/",
  kinesis: "https://aws.amazon.com/kinesis/data-streams/pricing/",
  timestream: "https://aws.amazon.com/timestream/pricing/",
  cloudwatch: "https://aws.amazon.com/cloudwatch/pricing/",
  secretsManager: "https://aws.amazon.com/secrets-manager/pricing/",
  scheduler: "https://aws.amazon.com/eventbridge/pricing/",
  amp: "https://aws.amazon.com/prometheus/pricing/",
  kms: "https://aws.amazon.com/kms/pricing/",
  azureMonitor: "https://azure.microsoft.com/pricing/details/monitor/",
  privateLink: "https://aws.amazon.com/privatelink/pricing/",
  vpc: "https://aws.amazon.com/vpc/pricing/",
} as const;

export const PRICES_CHECKED_ON = "2026-11-22";
/** Lines added for issue 16 (VPC egress path) were read on this day. */
export const PRICES_CHECKED_ON_VPC = "2026-12-01";
export const PRICES_REGION = "us-east-1";

export const PRICES = {
  lambdaArmGbSecond: p(0.0000133334, "GB-second (Arm, first 7.5 billion GB-s/month)", PRICE_PAGES.lambda, "page"),
  lambdaRequests: p(0.2, "1 million requests", PRICE_PAGES.lambda, "published-rate"),

  kinesisOnDemandStreamHour: p(0.04, "stream-hour (on-demand)", PRICE_PAGES.kinesis, "published-rate"),
  /** Billed per record rounded up to 1 KB (documented on the page). */
  kinesisOnDemandIngestGb: p(0.08, "GB written (records rounded up to 1 KB)", PRICE_PAGES.kinesis, "published-rate"),
  kinesisOnDemandRetrievalGb: p(0.04, "GB read", PRICE_PAGES.kinesis, "published-rate"),

  /** Timestream for LiveAnalytics: writes metered in 1 KB units. */
  timestreamWrites: p(0.5, "1 million 1 KB writes", PRICE_PAGES.timestream, "page"),
  timestreamMemoryGbHour: p(0.036, "GB-hour in the memory store", PRICE_PAGES.timestream, "page"),
  timestreamMagneticGbMonth: p(0.03, "GB-month in the magnetic store", PRICE_PAGES.timestream, "page"),
  timestreamTcuHour: p(0.5, "TCU-hour of queries", PRICE_PAGES.timestream, "published-rate"),

  cloudwatchMetricFirst10k: p(0.3, "custom metric-month (first 10,000)", PRICE_PAGES.cloudwatch, "page"),
  cloudwatchMetricNext240k: p(0.1, "custom metric-month (next 240,000)", PRICE_PAGES.cloudwatch, "published-rate"),
  cloudwatchMetricNext750k: p(0.05, "custom metric-month (next 750,000)", PRICE_PAGES.cloudwatch, "published-rate"),
  cloudwatchMetricOver1M: p(0.02, "custom metric-month (over 1,000,000)", PRICE_PAGES.cloudwatch, "published-rate"),
  cloudwatchAlarmMetric: p(0.1, "standard-resolution alarm metric-month (each metric of a math alarm)", PRICE_PAGES.cloudwatch, "page"),
  cloudwatchCompositeAlarm: p(0.5, "composite alarm-month", PRICE_PAGES.cloudwatch, "published-rate"),
  cloudwatchDashboard: p(3, "dashboard-month", PRICE_PAGES.cloudwatch, "page"),
  cloudwatchLogsIngestGb: p(0.5, "GB ingested (standard log class; EMF included)", PRICE_PAGES.cloudwatch, "page"),
  cloudwatchLogsStorageGbMonth: p(0.03, "GB-month archived", PRICE_PAGES.cloudwatch, "published-rate"),
  cloudwatchLogsInsightsGbScanned: p(0.005, "GB scanned by Logs Insights", PRICE_PAGES.cloudwatch, "published-rate"),

  secretsManagerSecret: p(0.4, "secret-month", PRICE_PAGES.secretsManager, "page"),
  secretsManagerApiCalls: p(0.05, "10,000 API calls", PRICE_PAGES.secretsManager, "page"),

  schedulerInvocations: p(1, "1 million invocations after 14 million free per month", PRICE_PAGES.scheduler, "page"),
  schedulerFreeInvocations: p(14_000_000, "invocations free per month", PRICE_PAGES.scheduler, "page"),

  /** Checked 2026-12-01: "billed for each hour that your VPC endpoint remains provisioned in each Availability Zone". */
  privateLinkEndpointAzHour: p(0.01, "interface endpoint-hour per Availability Zone", PRICE_PAGES.privateLink, "published-rate"),
  /** Checked 2026-12-01: first 1 PB per month in a Region. */
  privateLinkDataGb: p(0.01, "GB processed by interface endpoints (first 1 PB/month)", PRICE_PAGES.privateLink, "page"),
  /** Checked 2026-12-01. */
  natGatewayHour: p(0.045, "NAT gateway-hour", PRICE_PAGES.vpc, "published-rate"),
  natGatewayDataGb: p(0.045, "GB processed by a NAT gateway", PRICE_PAGES.vpc, "published-rate"),

  kmsKey: p(1, "customer managed key-month", PRICE_PAGES.kms, "published-rate"),
  kmsRequests: p(0.03, "10,000 requests", PRICE_PAGES.kms, "published-rate"),

  ampIngestFirst2B: p(0.9, "10 million samples (first 2 billion/month)", PRICE_PAGES.amp, "published-rate"),
  ampIngestNext250B: p(0.35, "10 million samples (next 250 billion/month)", PRICE_PAGES.amp, "published-rate"),
  ampStorageGbMonth: p(0.03, "GB-month stored", PRICE_PAGES.amp, "published-rate"),
  ampQuerySamples: p(0.1, "billion query samples processed", PRICE_PAGES.amp, "published-rate"),

  azureMetricsApiCalls: p(0.01, "1,000 metric query API calls after 1 million free per month", PRICE_PAGES.azureMonitor, "published-rate"),
  azureMetricsApiFreeCalls: p(1_000_000, "metric query API calls free per month", PRICE_PAGES.azureMonitor, "published-rate"),
} as const satisfies Record<string, Price>;

/** AWS bills a month as 730 hours. */
export const HOURS_PER_MONTH = 730;
