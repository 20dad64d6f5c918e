/**
 * Types of the KQL library: every query is data (text plus metadata), so the same definition
 * feeds the parser tests, the Log Analytics saved searches and the Azure log alert rules.
 */
import type { Tier } from "../catalog/types";

/** Log Analytics tables the library reads; their declared schemas live in ./schemas. */
export type KqlTable = "AppRequests" | "AppDependencies" | "AzureDiagnostics" | "AzureMetrics";

/**
 * Which request log a query is written for:
 * - "appInsights": the calling apps' Application Insights (workspace-based): their outgoing calls to
 *   Azure OpenAI are client (dependency) spans, so the OpenTelemetry GenAI attributes
 *   (gen_ai.request.model, gen_ai.usage.*) land in `AppDependencies`;
 * - "azureDiagnostics": the Azure OpenAI `RequestResponse` category in `AzureDiagnostics`.
 */
export type KqlFlavour = "appInsights" | "azureDiagnostics";

export type KqlParameterType = "real" | "long" | "string" | "timespan" | "dynamic" | "bool";

export interface KqlParameter {
  /** Name of the `let` the query body refers to. */
  readonly name: string;
  readonly type: KqlParameterType;
  readonly default: unknown;
  readonly description: string;
}

/** Azure paging tier an alert lands in (see docs/azure-side.md for the severity mapping). */

/** How a query becomes an Azure Monitor log alert rule (scheduledQueryRules, API 2025-01-01-preview). */
export interface KqlAlert {
  /** Signal name from the catalog (docs/signal-catalog.md), used in the rule name. */
  readonly signal: string;
  /** Azure severity 0..4; mapped to the tier by the alert intake. */
  readonly severity: 0 | 1 | 2 | 3 | 4;
  readonly tier: Tier;
  /** ISO 8601 durations, e.g. PT5M. */
  readonly evaluationFrequency: string;
  readonly windowSize: string;
  readonly timeAggregation: "Count" | "Average" | "Minimum" | "Maximum" | "Total";
  /** Column aggregated by timeAggregation (not used with Count). */
  readonly metricMeasureColumn?: string;
  readonly operator: "GreaterThan" | "GreaterThanOrEqual" | "LessThan" | "LessThanOrEqual" | "Equals";
  readonly threshold: number;
  /** Columns that split the alert into one alert per value (e.g. one per deployment). */
  readonly dimensions: readonly string[];
  /** What the on-call should do first; goes into the rule's description. */
  readonly runbook: string;
  /**
   * The catalog signal CloudWatch already pages for the same condition (core/catalog). The Azure
   * rule then pages only while the AWS side is blind (docs/azure-side.md, "Who pages for what").
   */
  readonly cloudWatchTwin?: string;
}

export interface KqlQuery {
  /** Stable id shared by both flavours of the same question, e.g. "latency-percentiles". */
  readonly id: string;
  readonly flavour: KqlFlavour;
  readonly name: string;
  readonly description: string;
  /** Every table the query reads (the parser test declares exactly these plus nothing else). */
  readonly tables: readonly KqlTable[];
  readonly parameters: readonly KqlParameter[];
  /** Query text without the parameter `let`s; render() prepends them. */
  readonly body: string;
  readonly alert?: KqlAlert;
  /** Extra saved-search names runbooks use for this query (e.g. "aoai-429-by-caller"). */
  readonly aliases?: readonly string[];
}
