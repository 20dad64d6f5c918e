/**
 * How FleetWatch's Lambdas may be invoked: asynchronous retry settings for the scheduled pollers
 * and the reserved concurrency of the functions that must never be throttled (or must be capped).
 * One place, so the deploy preflight can add up the reservations against the account's quota.
 */
import { Duration } from "aws-cdk-lib";

/**
 * EventBridge Scheduler invokes Lambda asynchronously; Lambda's own async defaults would retry a
 * failed sweep twice (about 1 and 2 minutes later) on top of the next scheduled sweeps, and
 * overlapping sweeps exhaust BMC session limits and inflate the per-minute sums. A poll that
 * failed is simply superseded by the next one: no retries, and a queued event older than one
 * poll interval is dropped (60 s is the minimum Lambda accepts for MaximumEventAgeInSeconds,
 * https://docs.aws.amazon.com/lambda/latest/api/API_PutFunctionEventInvokeConfig.html).
 */
export const SCHEDULED_POLLER_ASYNC = { retryAttempts: 0, maxEventAge: Duration.minutes(1) } as const;

/**
 * Reserved concurrency. The P1 enricher forwards every P1 page: when the account runs out of
 * concurrency a throttled async invocation is not an Error (so p1-enricher-errors would not fire)
 * and SNS/Lambda hold the page for up to 6 hours. A reservation guarantees it capacity. The
 * Azure alert intake sits behind a public Function URL: its reservation is also its cap, so a
 * flood of calls cannot take the account's concurrency from the pollers and the enricher.
 * Lambda keeps at least 100 unreserved executions per account and Region; a reservation that
 * would leave fewer fails the deploy
 * (https://docs.aws.amazon.com/lambda/latest/dg/configuration-concurrency.html), which
 * `npx fleetwatch preflight` checks before the deploy does.
 */
export const RESERVED_CONCURRENCY = {
  /** A P1 page takes ≤ 30 s; 10 pages in flight at once covers an outage paging every cluster. */
  p1Enricher: 10,
  /** Azure action groups call once per alert state change; 5 in flight is plenty, and a cap. */
  azureAlertIntake: 5,
} as const;

/** Lambda's documented minimum of unreserved concurrency per account and Region. */
export const LAMBDA_MIN_UNRESERVED_CONCURRENCY = 100;
