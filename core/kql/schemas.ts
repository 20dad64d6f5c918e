/**
 * Declared schemas of the Log Analytics tables the KQL library reads, as documented by Microsoft
 * (Azure Monitor table reference). The parser tests analyse every query against exactly these
 * columns, so a typo in a column name fails the build instead of an alert rule at 3 a.m.
 */
import type { KqlTable } from "./types";

export type KqlColumnType = "datetime" | "real" | "long" | "int" | "string" | "bool" | "dynamic" | "guid";

export type TableSchema = Readonly<Record<string, KqlColumnType>>;

/** Columns every workspace-based Application Insights table has. */
const APP_INSIGHTS_COMMON = {
  AppRoleName: "string",
  AppRoleInstance: "string",
  OperationName: "string",
  OperationId: "string",
  Id: "string",
  ParentId: "string",
  Properties: "dynamic",
  Measurements: "dynamic",
  ItemCount: "int",
  ClientType: "string",
  SDKVersion: "string",
  _ResourceId: "string",
  _SubscriptionId: "string",
  TenantId: "string",
  Type: "string",
} as const satisfies TableSchema;

export const TABLE_SCHEMAS: Readonly<Record<KqlTable, TableSchema>> = {
  // Application Insights, workspace-based.
  AppRequests: {
    TimeGenerated: "datetime",
    DurationMs: "real",
    ResultCode: "string",
    Success: "bool",
    Name: "string",
    Url: "string",
    ...APP_INSIGHTS_COMMON,
  },
  // Application Insights dependency (client) spans: where OpenTelemetry GenAI client spans land.
  AppDependencies: {
    TimeGenerated: "datetime",
    DurationMs: "real",
    ResultCode: "string",
    Success: "bool",
    Target: "string",
    DependencyType: "string",
    Name: "string",
    Data: "string",
    ...APP_INSIGHTS_COMMON,
  },
  // Azure OpenAI diagnostic logs (all categories; no resource-specific table exists).
  AzureDiagnostics: {
    TimeGenerated: "datetime",
    Category: "string",
    ResourceProvider: "string",
    ResourceId: "string",
    ResourceGroup: "string",
    SubscriptionId: "string",
    ResourceType: "string",
    OperationName: "string",
    DurationMs: "long",
    ResultSignature: "string",
    ResultType: "string",
    properties_s: "string",
    CallerIPAddress: "string",
    CorrelationId: "string",
    Resource: "string",
    _ResourceId: "string",
    TenantId: "string",
    SourceSystem: "string",
    Type: "string",
  },
  // Platform metrics exported by the diagnostic setting (AllMetrics). Note: exported metrics
  // carry no dimensions, so there is no ModelDeploymentName here.
  AzureMetrics: {
    TimeGenerated: "datetime",
    Resource: "string",
    ResourceGroup: "string",
    ResourceId: "string",
    ResourceProvider: "string",
    SubscriptionId: "string",
    MetricName: "string",
    Total: "real",
    Count: "real",
    Maximum: "real",
    Minimum: "real",
    Average: "real",
    TimeGrain: "string",
    UnitName: "string",
    Type: "string",
    TenantId: "string",
    SourceSystem: "string",
    _ResourceId: "string",
    _SubscriptionId: "string",
  },
};

/** The `(Col:type, ...)` schema string Kusto's TableSymbol accepts. */
export function kustoSchemaString(table: KqlTable): string {
  return `(${Object.entries(TABLE_SCHEMAS[table])
    .map(([column, type]) => `${column}:${type}`)
    .join(", ")})`;
}
