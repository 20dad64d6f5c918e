/**
 * The edges of the poller, as plain interfaces with no SDK types: the orchestration in poll.ts
 * and every pure module depend on these only; adapters/ implement them with the SDKs.
 */
import type { ResourceBatch } from "./batching";
import type { DeploymentDescription } from "./quota";

export interface MetricPoint {
  /** Start of the minute, epoch ms. */
  readonly timestamp: number;
  readonly total?: number;
  readonly average?: number;
  readonly maximum?: number;
  readonly count?: number;
}

export interface MetricSeries {
  readonly resourceId: string;
  /** Canonical metric name (e.g. AzureOpenAIRequests), never the localized display name. */
  readonly metric: string;
  /** Dimension values keyed by lower-case dimension name (e.g. modeldeploymentname, statuscode). */
  readonly dimensions: Readonly<Record<string, string>>;
  readonly points: readonly MetricPoint[];
}

export interface MetricsQuery {
  readonly batch: ResourceBatch;
  readonly metricNames: readonly string[];
  readonly aggregation: string;
  readonly filter: string;
  readonly start: Date;
  readonly end: Date;
}

/** A metric the service could not serve inside an otherwise successful call (per-metric `errorCode`). */
export interface MetricError {
  readonly resourceId: string;
  readonly metric: string;
  readonly code: string;
  readonly message: string;
}

export interface MetricsAnswer {
  readonly series: MetricSeries[];
  readonly errors: MetricError[];
}

export interface MetricsReader {
  query(q: MetricsQuery): Promise<MetricsAnswer>;
}

export interface LogsResult {
  readonly rows: readonly Readonly<Record<string, unknown>>[];
  /** Set when the service answered with a partial result (PartialFailure): the rows are incomplete. */
  readonly partialError?: string;
}

export interface LogsReader {
  query(workspaceId: string, kql: string, start: Date, end: Date): Promise<LogsResult>;
}

export interface DeploymentsReader {
  list(accountResourceId: string): Promise<DeploymentDescription[]>;
}

/** scope key -> minute (epoch ms) -> metric names already published. */
export type PublishedIndex = Map<string, Map<number, Set<string>>>;

export interface WatermarkStore {
  readPublished(scopeKeys: readonly string[], fromMinute: number): Promise<PublishedIndex>;
  /** Atomically mark names as published for (scope, minute); false when any was already marked. */
  claim(scopeKey: string, minute: number, metricNames: readonly string[]): Promise<boolean>;
  release(scopeKey: string, minute: number, metricNames: readonly string[]): Promise<void>;
  /** When the metric family (default "requests") was last read completely. */
  readLastSuccess(family?: string): Promise<number | undefined>;
  writeLastSuccess(at: number, family?: string): Promise<void>;
}
