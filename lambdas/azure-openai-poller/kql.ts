/**
 * KQL sent to Log Analytics. Per deployment from AzureDiagnostics (Azure OpenAI writes every
 * diagnostic category there; RequestResponse carries the deployment inside properties_s), and
 * per app role from AppRequests (workspace-based Application Insights). One row per key and
 * minute, so the poller can deduplicate per minute exactly as it does for platform metrics.
 */

/** A KQL string literal: double quotes with backslash escapes. */
export function kqlString(value: string): string {
  return `"${value.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\r/g, "\\r").replace(/\n/g, "\\n")}"`;
}

function kqlDatetime(d: Date): string {
  return `datetime(${d.toISOString()})`;
}

export function deploymentLatencyQuery(deployments: readonly string[], start: Date, end: Date): string {
  return [
    "AzureDiagnostics",
    `| where TimeGenerated >= ${kqlDatetime(start)} and TimeGenerated < ${kqlDatetime(end)}`,
    '| where ResourceProvider == "MICROSOFT.COGNITIVESERVICES" and Category == "RequestResponse"',
    "| extend Deployment = tostring(parse_json(properties_s).modelDeploymentName)",
    `| where Deployment in (${deployments.map(kqlString).join(", ")})`,
    "| summarize Requests = count(),",
    '    Throttled = countif(ResultSignature == "429"),',
    '    ServerErrors = countif(ResultSignature startswith "5"),',
    "    P50 = percentile(DurationMs, 50), P95 = percentile(DurationMs, 95), P99 = percentile(DurationMs, 99)",
    "    by Deployment, Minute = bin(TimeGenerated, 1m)",
    "| order by Minute asc, Deployment asc",
  ].join("\n");
}

export function appRoleLatencyQuery(start: Date, end: Date): string {
  return [
    "AppRequests",
    `| where TimeGenerated >= ${kqlDatetime(start)} and TimeGenerated < ${kqlDatetime(end)}`,
    "| summarize Requests = sum(ItemCount),",
    '    Throttled = sumif(ItemCount, ResultCode == "429"),',
    "    Failed = sumif(ItemCount, Success == false),",
    "    P50 = percentile(DurationMs, 50), P95 = percentile(DurationMs, 95), P99 = percentile(DurationMs, 99)",
    "    by AppRoleName, Minute = bin(TimeGenerated, 1m)",
    "| order by Minute asc, AppRoleName asc",
  ].join("\n");
}
