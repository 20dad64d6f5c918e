/**
 * AzureMonitorPort over the Azure Resource Manager SDKs: @azure/arm-monitor 8 (diagnostic
 * settings, action groups, scheduled query rules) and @azure/arm-operationalinsights (saved
 * searches, workspace location). The SDK pipelines retry 429 and 5xx honouring Retry-After.
 */

import { MonitorClient } from "@azure/arm-monitor";
import { OperationalInsightsManagementClient } from "@azure/arm-operationalinsights";
import type { TokenCredential } from "@azure/core-auth";
import type { ExistingDiagnosticSetting } from "./brownfield";
import type { AzureMonitorPort } from "./port";

export interface ArmClientOptions {
  /** ARM endpoint; default https://management.azure.com. Tests point it at a local fake. */
  readonly endpoint?: string;
  /** Extra CA for a local HTTPS fake. */
  readonly tlsOptions?: { ca?: string };
  /** Token audience of ARM; default https://management.azure.com/.default (sovereign clouds differ). */
  readonly scope?: string;
  /** Retries of throttled/failed calls (SDK default 3). */
  readonly maxRetries?: number;
}

interface WorkspaceRef {
  readonly subscriptionId: string;
  readonly resourceGroup: string;
  readonly name: string;
}

const SCOPED = /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)(?:\/providers\/[^/]+\/[^/]+\/([^/]+))?/i;

function parse(resourceId: string): WorkspaceRef {
  const m = SCOPED.exec(resourceId);
  if (!m?.[1] || !m[2]) throw new Error(`not an Azure resource id: ${resourceId}`);
  return { subscriptionId: m[1], resourceGroup: m[2], name: m[3] ?? "" };
}

const isNotFound = (error: unknown) => (error as { statusCode?: number })?.statusCode === 404;

async function ignoreNotFound(run: () => Promise<unknown>): Promise<void> {
  try {
    await run();
  } catch (error) {
    if (!isNotFound(error)) throw error;
  }
}

const ARM_SCOPE = "https://management.azure.com/.default";

const tagsFor = (environment: string) => ({ "fleetwatch:environment": environment, "fleetwatch:managed-by": "fleetwatch-cdk" });

export function createArmPort(credential: TokenCredential, options: ArmClientOptions = {}): AzureMonitorPort {
  const scope = options.scope ?? ARM_SCOPE;
  const clientOptions = {
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    ...(options.tlsOptions ? { tlsOptions: options.tlsOptions } : {}),
    retryOptions: { maxRetries: options.maxRetries ?? 3 },
  };
  const monitors = new Map<string, MonitorClient>();
  const insights = new Map<string, OperationalInsightsManagementClient>();
  const monitor = (subscriptionId: string): MonitorClient => {
    const existing = monitors.get(subscriptionId);
    if (existing) return existing;
    const created = new MonitorClient(credential, subscriptionId, { ...clientOptions, credentials: { scopes: [scope] } });
    monitors.set(subscriptionId, created);
    return created;
  };
  const oi = (subscriptionId: string): OperationalInsightsManagementClient => {
    const existing = insights.get(subscriptionId);
    if (existing) return existing;
    // core-client derives the token scope from the endpoint unless told: pin ARM's audience, the
    // one of this cloud (Azure Government and China have their own; a public-cloud token is refused).
    const created = new OperationalInsightsManagementClient(credential, subscriptionId, {
      ...clientOptions,
      credentialScopes: [scope],
    });
    insights.set(subscriptionId, created);
    return created;
  };
  // The diagnostic-settings route template is "/{+resourceUri}/providers/...": no leading slash.
  const uri = (resourceId: string) => resourceId.replace(/^\/+/, "");

  return {
    async workspaceLocation(workspaceResourceId) {
      const w = parse(workspaceResourceId);
      const workspace = await oi(w.subscriptionId).workspaces.get(w.resourceGroup, w.name);
      if (!workspace.location) throw new Error(`workspace ${workspaceResourceId} has no location`);
      return workspace.location;
    },
    async putActionGroup(spec, webhookUri, environment) {
      const rg = parse(`${spec.resourceGroupId}/`);
      const result = await monitor(rg.subscriptionId).actionGroups.createOrUpdate(rg.resourceGroup, spec.name, {
        location: "Global",
        tags: tagsFor(environment),
        groupShortName: spec.shortName,
        enabled: true,
        webhookReceivers: [
          {
            name: spec.webhookReceiverName,
            serviceUri: webhookUri,
            useCommonAlertSchema: true,
            // Secure webhook: Azure Monitor sends an Entra ID token for our app registration.
            ...(spec.secureWebhook
              ? {
                  useAadAuth: true,
                  objectId: spec.secureWebhook.objectId,
                  identifierUri: spec.secureWebhook.identifierUri,
                  tenantId: spec.secureWebhook.tenantId,
                }
              : {}),
          },
        ],
      });
      return result.id ?? `${spec.resourceGroupId}/providers/Microsoft.Insights/actionGroups/${spec.name}`;
    },
    async deleteActionGroup(spec) {
      const rg = parse(`${spec.resourceGroupId}/`);
      await ignoreNotFound(() => monitor(rg.subscriptionId).actionGroups.delete(rg.resourceGroup, spec.name));
    },
    async listDiagnosticSettings(resourceId) {
      const account = parse(resourceId);
      const out: ExistingDiagnosticSetting[] = [];
      for await (const s of monitor(account.subscriptionId).diagnosticSettings.list(uri(resourceId))) {
        out.push({
          name: s.name ?? "",
          workspaceId: s.workspaceId,
          enabledCategories: [
            ...(s.logs ?? []).filter((x) => x.enabled).map((x) => x.category ?? x.categoryGroup ?? ""),
            ...(s.metrics ?? []).filter((x) => x.enabled).map((x) => x.category ?? ""),
          ].filter(Boolean),
        });
      }
      return out;
    },
    async putDiagnosticSetting(spec) {
      const account = parse(spec.accountResourceId);
      await monitor(account.subscriptionId).diagnosticSettings.createOrUpdate(uri(spec.accountResourceId), spec.name, {
        workspaceId: spec.workspaceResourceId,
        logs: spec.logCategories.map((category) => ({ category, enabled: true })),
        metrics: spec.allMetrics ? [{ category: "AllMetrics", enabled: true }] : [],
      });
    },
    async deleteDiagnosticSetting(spec) {
      const account = parse(spec.accountResourceId);
      await ignoreNotFound(() => monitor(account.subscriptionId).diagnosticSettings.delete(uri(spec.accountResourceId), spec.name));
    },
    async putSavedSearch(spec, environment) {
      const w = parse(spec.workspaceResourceId);
      await oi(w.subscriptionId).savedSearches.createOrUpdate(w.resourceGroup, w.name, spec.savedSearchId, {
        category: spec.category,
        displayName: spec.displayName,
        query: spec.query,
        tags: Object.entries(tagsFor(environment)).map(([name, value]) => ({ name, value })),
      });
    },
    async deleteSavedSearch(spec) {
      const w = parse(spec.workspaceResourceId);
      await ignoreNotFound(() => oi(w.subscriptionId).savedSearches.delete(w.resourceGroup, w.name, spec.savedSearchId));
    },
    async putAlertRule(spec, target) {
      const rg = parse(`${spec.resourceGroupId}/`);
      await monitor(rg.subscriptionId).scheduledQueryRules.createOrUpdate(rg.resourceGroup, spec.name, {
        location: target.location,
        tags: tagsFor(target.environment),
        kind: "LogAlert",
        displayName: spec.displayName,
        description: spec.description,
        severity: spec.severity,
        enabled: true,
        scopes: [spec.workspaceResourceId],
        evaluationFrequency: spec.evaluationFrequency,
        windowSize: spec.windowSize,
        criteria: {
          allOf: [
            {
              query: spec.query,
              timeAggregation: spec.timeAggregation,
              ...(spec.metricMeasureColumn ? { metricMeasureColumn: spec.metricMeasureColumn } : {}),
              operator: spec.operator,
              threshold: spec.threshold,
              dimensions: spec.dimensions.map((name) => ({ name, operator: "Include", values: ["*"] })),
              failingPeriods: { numberOfEvaluationPeriods: 1, minFailingPeriodsToAlert: 1 },
            },
          ],
        },
        // Resolved notifications flow to the same tier, so incidents close themselves.
        autoMitigate: true,
        skipQueryValidation: spec.skipQueryValidation,
        actions: { actionGroups: [target.actionGroupId], customProperties: { ...spec.customProperties } },
      });
    },
    async deleteAlertRule(spec) {
      const rg = parse(`${spec.resourceGroupId}/`);
      await ignoreNotFound(() => monitor(rg.subscriptionId).scheduledQueryRules.delete(rg.resourceGroup, spec.name));
    },
  };
}
