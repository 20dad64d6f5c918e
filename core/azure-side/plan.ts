/**
 * The Azure side as data: which diagnostic settings, saved searches, action group and log alert
 * rules FleetWatch owns in Azure. Built at synth time from config + the KQL library, carried to
 * the custom resource as one JSON property, and applied/diffed/deleted by apply.ts.
 *
 * Every name is deterministic (prefix "fleetwatch-<env>"), so the plan IS the record of what
 * was created: delete removes exactly the resources of the plan it is given, nothing listed or
 * guessed. No secret is part of a plan (the webhook token is added at apply time).
 */
import { flavourKey, KQL_LIBRARY, queryKey } from "../kql/library";
import { applicableOverrides, renderQuery } from "../kql/render";
import type { KqlQuery, KqlTable } from "../kql/types";

export const PLAN_VERSION = 1;
export const LOG_CATEGORIES = ["RequestResponse", "Audit"] as const;
export const SAVED_SEARCH_CATEGORY = "FleetWatch";

export interface DiagnosticSettingPlan {
  readonly accountResourceId: string;
  readonly name: string;
  readonly workspaceResourceId: string;
  readonly logCategories: readonly string[];
  /** Also export platform metrics (AzureMetrics): the token and PTU-utilisation queries read them. */
  readonly allMetrics: boolean;
}

export interface SavedSearchPlan {
  readonly workspaceResourceId: string;
  readonly savedSearchId: string;
  readonly displayName: string;
  readonly category: string;
  readonly query: string;
}

export interface ActionGroupPlan {
  readonly resourceGroupId: string;
  readonly name: string;
  /** At most 12 characters (Azure limit); shown in SMS/e-mail. */
  readonly shortName: string;
  readonly webhookReceiverName: string;
  /** Entra ID-signed webhook (useAadAuth): the URL then carries no token. */
  readonly secureWebhook?: { readonly tenantId: string; readonly objectId: string; readonly identifierUri: string };
}

export interface AlertRulePlan {
  readonly resourceGroupId: string;
  readonly name: string;
  readonly workspaceResourceId: string;
  readonly displayName: string;
  readonly description: string;
  readonly severity: number;
  readonly evaluationFrequency: string;
  readonly windowSize: string;
  readonly query: string;
  readonly timeAggregation: string;
  readonly metricMeasureColumn?: string;
  readonly operator: string;
  readonly threshold: number;
  readonly dimensions: readonly string[];
  readonly customProperties: Readonly<Record<string, string>>;
  /**
   * Skip ARM's query validation: in a fresh workspace AzureDiagnostics/AppDependencies do not exist
   * until the first logs land, and validation would fail the first deploy. The queries are checked
   * by Microsoft's KQL parser against the documented schemas in CI instead (test/kql).
   */
  readonly skipQueryValidation: boolean;
}

export interface AzureSidePlan {
  readonly version: number;
  readonly environment: string;
  readonly diagnosticSettings: readonly DiagnosticSettingPlan[];
  readonly savedSearches: readonly SavedSearchPlan[];
  readonly actionGroup: ActionGroupPlan;
  readonly alertRules: readonly AlertRulePlan[];
}

export interface PlanInput {
  readonly environment: string;
  readonly accounts: readonly { readonly resourceId: string; readonly deployments: readonly { name: string; sloP99Ms: number }[] }[];
  readonly workspaces: readonly { readonly resourceId: string; readonly tables: readonly ("AzureDiagnostics" | "AppRequests")[] }[];
  readonly library?: readonly KqlQuery[];
  readonly secureWebhook?: { readonly tenantId: string; readonly applicationObjectId: string; readonly identifierUri: string };
}

const RESOURCE_GROUP_ID = /^(\/subscriptions\/[^/]+\/resourceGroups\/[^/]+)\//i;

export function resourceGroupIdOf(resourceId: string): string {
  const match = RESOURCE_GROUP_ID.exec(resourceId);
  if (!match?.[1]) throw new Error(`not a resource-group scoped Azure resource id: ${resourceId}`);
  return match[1];
}

export const resourceNameOf = (resourceId: string): string => resourceId.split("/").filter(Boolean).at(-1) ?? resourceId;

/**
 * Tables a workspace can answer: AzureMetrics arrives with the diagnostics (AllMetrics), and a
 * workspace-based Application Insights writes AppDependencies next to AppRequests.
 */
function availableTables(tables: readonly string[]): Set<KqlTable> {
  const available = new Set(tables as KqlTable[]);
  if (available.has("AzureDiagnostics")) available.add("AzureMetrics");
  if (available.has("AppRequests")) available.add("AppDependencies");
  return available;
}

/** Custom property naming the catalog alarm CloudWatch pages for the same condition. */
export const CLOUDWATCH_TWIN_PROPERTY = "fleetwatch-cloudwatch-twin";

export function buildPlan(input: PlanInput): AzureSidePlan {
  const library = input.library ?? KQL_LIBRARY;
  const prefix = `fleetwatch-${input.environment}`;
  const diagnosticsWorkspace = input.workspaces.find((w) => w.tables.includes("AzureDiagnostics"));
  if (!diagnosticsWorkspace) {
    throw new Error(
      'azure.workspaces: provisioning the Azure side needs a workspace whose tables include "AzureDiagnostics" (the diagnostic settings send the OpenAI logs there)',
    );
  }
  const sloByDeployment = Object.fromEntries(input.accounts.flatMap((a) => a.deployments.map((d) => [d.name, d.sloP99Ms])));
  // A workspace is often shared: queries read only this environment's accounts.
  const accountResourceIds = input.accounts.map((a) => a.resourceId.toLowerCase());
  const render = (q: KqlQuery) => renderQuery(q, applicableOverrides(q, { sloByDeployment, accountResourceIds }));

  const diagnosticSettings = input.accounts.map((account) => ({
    accountResourceId: account.resourceId,
    name: prefix,
    workspaceResourceId: diagnosticsWorkspace.resourceId,
    logCategories: [...LOG_CATEGORIES],
    allMetrics: true,
  }));

  const savedSearches: SavedSearchPlan[] = [];
  const alertRules: AlertRulePlan[] = [];
  const actionGroupRg = resourceGroupIdOf(input.workspaces[0]?.resourceId ?? diagnosticsWorkspace.resourceId);
  for (const workspace of input.workspaces) {
    const available = availableTables(workspace.tables);
    for (const q of library.filter((q) => q.tables.every((t) => available.has(t)))) {
      savedSearches.push({
        workspaceResourceId: workspace.resourceId,
        savedSearchId: `${prefix}-${queryKey(q)}`,
        displayName: q.name,
        category: SAVED_SEARCH_CATEGORY,
        query: render(q),
      });
      // The names the catalog's runbooks use ("KQL saved search aoai-slow-requests").
      for (const alias of q.aliases ?? [])
        savedSearches.push({
          workspaceResourceId: workspace.resourceId,
          savedSearchId: `${prefix}-${alias}-${flavourKey(q.flavour)}`,
          displayName: `${alias}: ${q.name}`,
          category: SAVED_SEARCH_CATEGORY,
          query: render(q),
        });
      if (!q.alert) continue;
      const flavour = flavourKey(q.flavour);
      alertRules.push({
        resourceGroupId: resourceGroupIdOf(workspace.resourceId),
        name: `${prefix}-${q.alert.signal}-${flavour}-${resourceNameOf(workspace.resourceId)}`,
        workspaceResourceId: workspace.resourceId,
        displayName: `FleetWatch ${input.environment}: ${q.name}`,
        description: `${q.description} Runbook: ${q.alert.runbook}`,
        severity: q.alert.severity,
        evaluationFrequency: q.alert.evaluationFrequency,
        windowSize: q.alert.windowSize,
        query: render(q),
        timeAggregation: q.alert.timeAggregation,
        ...(q.alert.metricMeasureColumn ? { metricMeasureColumn: q.alert.metricMeasureColumn } : {}),
        operator: q.alert.operator,
        threshold: q.alert.threshold,
        dimensions: [...q.alert.dimensions],
        customProperties: {
          "fleetwatch-tier": q.alert.tier,
          "fleetwatch-signal": q.alert.signal,
          "fleetwatch-environment": input.environment,
          ...(q.alert.cloudWatchTwin ? { [CLOUDWATCH_TWIN_PROPERTY]: q.alert.cloudWatchTwin } : {}),
        },
        skipQueryValidation: true,
      });
    }
  }

  return {
    version: PLAN_VERSION,
    environment: input.environment,
    diagnosticSettings,
    savedSearches,
    actionGroup: {
      resourceGroupId: actionGroupRg,
      name: `${prefix}-paging`,
      shortName: `fw-${input.environment}`.slice(0, 12),
      webhookReceiverName: "fleetwatch-intake",
      ...(input.secureWebhook
        ? {
            secureWebhook: {
              tenantId: input.secureWebhook.tenantId,
              objectId: input.secureWebhook.applicationObjectId,
              identifierUri: input.secureWebhook.identifierUri,
            },
          }
        : {}),
    },
    alertRules,
  };
}

/** Stable identity of every resource in a plan (what update diffs and delete removes). */
export type PlannedResource =
  | { readonly kind: "diagnosticSetting"; readonly key: string; readonly spec: DiagnosticSettingPlan }
  | { readonly kind: "savedSearch"; readonly key: string; readonly spec: SavedSearchPlan }
  | { readonly kind: "alertRule"; readonly key: string; readonly spec: AlertRulePlan }
  | { readonly kind: "actionGroup"; readonly key: string; readonly spec: ActionGroupPlan };

export function resourcesOf(plan: AzureSidePlan): PlannedResource[] {
  const lower = (s: string) => s.toLowerCase(); // ARM ids are case-insensitive.
  return [
    {
      kind: "actionGroup",
      key: lower(`${plan.actionGroup.resourceGroupId}/providers/Microsoft.Insights/actionGroups/${plan.actionGroup.name}`),
      spec: plan.actionGroup,
    },
    ...plan.diagnosticSettings.map((spec) => ({
      kind: "diagnosticSetting" as const,
      key: lower(`${spec.accountResourceId}/providers/Microsoft.Insights/diagnosticSettings/${spec.name}`),
      spec,
    })),
    ...plan.savedSearches.map((spec) => ({
      kind: "savedSearch" as const,
      key: lower(`${spec.workspaceResourceId}/savedSearches/${spec.savedSearchId}`),
      spec,
    })),
    ...plan.alertRules.map((spec) => ({
      kind: "alertRule" as const,
      key: lower(`${spec.resourceGroupId}/providers/Microsoft.Insights/scheduledQueryRules/${spec.name}`),
      spec,
    })),
  ];
}
