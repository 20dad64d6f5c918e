/**
 * KQL sent to Log Analytics. Per deployment from AzureDiagnostics (Azure OpenAI writes every
 * diagnostic category there; RequestResponse carries the deployment inside properties_s), and
 * per app role from AppRequests (workspace-based Application Insights). One row per key and
 * minute, so the poller can deduplicate per minute exactly as it does for platform metrics.
 */

/** A KQL string literal: double quotes with backslash escapes. */
function kqlString(value: string): string {
  return `"${value.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\r/g, "\\r").replace(/\n/g, "\\n")}"`;
}

function kqlDatetime(d: Date): string {
  return `datetime(${d.toISOString()})`;
}

/**
 * A workspace is commonly shared by several accounts and environments, and deployment names repeat
 * across accounts (every region has its "gpt-4o"): filter and group by the account (_ResourceId).
 */
export function deploymentLatencyQuery(
  accounts: readonly { readonly resourceId: string; readonly deployments: readonly string[] }[],
  start: Date,
  end: Date,
): string {
  const ids = accounts.map((a) => kqlString(a.resourceId.toLowerCase()));
  const names = [...new Set(accounts.flatMap((a) => a.deployments))];
  return [
    "AzureDiagnostics",
    `| where TimeGenerated >= ${kqlDatetime(start)} and TimeGenerated < ${kqlDatetime(end)}`,
    '| where ResourceProvider == "MICROSOFT.COGNITIVESERVICES" and Category == "RequestResponse"',
    "| extend Account = tolower(_ResourceId)",
    `| where Account in (${ids.join(", ")})`,
    "| extend Deployment = tostring(parse_json(properties_s).modelDeploymentName)",
    `| where Deployment in (${names.map(kqlString).join(", ")})`,
    "| summarize Requests = count(),",
    '    Throttled = countif(ResultSignature == "429"),',
    '    ServerErrors = countif(ResultSignature startswith "5"),',
    "    P50 = percentile(DurationMs, 50), P95 = percentile(DurationMs, 95), P99 = percentile(DurationMs, 99)",
    "    by Account, Deployment, Minute = bin(TimeGenerated, 1m)",
    "| order by Minute asc, Account asc, Deployment asc",
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
