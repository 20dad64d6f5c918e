/**
 * Applies, diffs and deletes an Azure-side plan through the port. Order matters to Azure:
 * the action group exists before the rules that reference it, and is deleted after them.
 * Create/update stop at the first failure (CloudFormation rolls back, which deletes);
 * delete tries everything and reports every failure, so one stuck resource does not strand
 * the others.
 */

import { type AzureSidePlan, type PlannedResource, resourcesOf } from "../../core/azure-side/plan";
import { claimDiagnosticCategories } from "./brownfield";
import type { AzureMonitorPort } from "./port";

export interface ApplySummary {
  readonly actionGroupId: string;
  readonly diagnosticSettings: number;
  readonly savedSearches: number;
  readonly alertRules: number;
  readonly removed: number;
}

export type StepLog = (message: string, fields?: Record<string, unknown>) => void;

/** An Azure call failed; the message names the step and the resource. */
export class ProvisioningError extends Error {}

function describeStep(verb: string, resource: Pick<PlannedResource, "kind" | "key">): string {
  return `${verb} ${resource.kind} ${resource.key}`;
}

async function step<T>(description: string, log: StepLog, run: () => Promise<T>): Promise<T> {
  log("step", { step: description });
  try {
    return await run();
  } catch (error) {
    throw new ProvisioningError(`${description} failed: ${azureReason(error)}`);
  }
}

/** "HTTP 403 AuthorizationFailed: <Azure's message>" from an Azure SDK RestError (or any error). */
function azureReason(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const e = error as Error & { statusCode?: number; code?: string; details?: { error?: { code?: string; message?: string } } };
  const code = e.details?.error?.code ?? e.code;
  const message = e.details?.error?.message ?? e.message;
  return (
    [e.statusCode ? `HTTP ${e.statusCode}` : "", code && code !== "undefined" ? code : ""].filter(Boolean).join(" ") +
    (message ? `: ${message}` : "")
  );
}

export async function applyPlan(
  desired: AzureSidePlan,
  previous: AzureSidePlan | undefined,
  port: AzureMonitorPort,
  webhookUri: string,
  log: StepLog,
): Promise<ApplySummary> {
  const env = desired.environment;
  const resources = resourcesOf(desired);
  const byKind = <K extends PlannedResource["kind"]>(kind: K) =>
    resources.filter((r): r is Extract<PlannedResource, { kind: K }> => r.kind === kind);

  const [group] = byKind("actionGroup");
  if (!group) throw new ProvisioningError("plan has no action group");
  const actionGroupId = await step(describeStep("put", group), log, () => port.putActionGroup(group.spec, webhookUri, env));
  for (const r of byKind("diagnosticSetting")) {
    // Brownfield: what another setting already sends to the workspace is not claimed again (409).
    const existing = await step(`list diagnostic settings of ${r.spec.accountResourceId}`, log, () =>
      port.listDiagnosticSettings(r.spec.accountResourceId),
    );
    const claim = claimDiagnosticCategories(r.spec, existing);
    if (Object.keys(claim.coveredBy).length > 0)
      log("categories already exported by another diagnostic setting", { resource: r.key, coveredBy: claim.coveredBy });
    if (claim.logCategories.length === 0 && !claim.allMetrics) {
      // Everything already arrives: a FleetWatch setting of ours from an earlier deploy is removed.
      await step(describeStep("delete", r), log, () => port.deleteDiagnosticSetting(r.spec));
      continue;
    }
    const spec = { ...r.spec, logCategories: claim.logCategories, allMetrics: claim.allMetrics };
    await step(describeStep("put", r), log, () => port.putDiagnosticSetting(spec));
  }
  for (const r of byKind("savedSearch")) await step(describeStep("put", r), log, () => port.putSavedSearch(r.spec, env));
  const locations = new Map<string, string>();
  for (const r of byKind("alertRule")) {
    const workspace = r.spec.workspaceResourceId;
    let location = locations.get(workspace.toLowerCase());
    if (!location) {
      location = await step(`read location of workspace ${workspace}`, log, () => port.workspaceLocation(workspace));
      locations.set(workspace.toLowerCase(), location);
    }
    const target = { location, actionGroupId, environment: env };
    await step(describeStep("put", r), log, () => port.putAlertRule(r.spec, target));
  }

  let removed = 0;
  if (previous) {
    const keep = new Set(resources.map((r) => r.key));
    const stale = resourcesOf(previous).filter((r) => !keep.has(r.key));
    const failures = await deleteResources(stale, port, log);
    if (failures.length > 0) throw new ProvisioningError(`removing resources no longer in the plan failed: ${failures.join("; ")}`);
    removed = stale.length;
  }
  return {
    actionGroupId,
    diagnosticSettings: byKind("diagnosticSetting").length,
    savedSearches: byKind("savedSearch").length,
    alertRules: byKind("alertRule").length,
    removed,
  };
}

const DELETE_ORDER: readonly PlannedResource["kind"][] = ["alertRule", "savedSearch", "diagnosticSetting", "actionGroup"];

/** Deletes exactly these resources, rules first and the action group last; returns the failures. */
async function deleteResources(resources: readonly PlannedResource[], port: AzureMonitorPort, log: StepLog): Promise<string[]> {
  const failures: string[] = [];
  for (const kind of DELETE_ORDER) {
    for (const r of resources.filter((x) => x.kind === kind)) {
      try {
        await step(describeStep("delete", r), log, () => {
          switch (r.kind) {
            case "alertRule":
              return port.deleteAlertRule(r.spec);
            case "savedSearch":
              return port.deleteSavedSearch(r.spec);
            case "diagnosticSetting":
              return port.deleteDiagnosticSetting(r.spec);
            case "actionGroup":
              return port.deleteActionGroup(r.spec);
          }
        });
      } catch (error) {
        failures.push(error instanceof Error ? error.message : String(error));
      }
    }
  }
  return failures;
}

export async function deletePlan(plan: AzureSidePlan, port: AzureMonitorPort, log: StepLog): Promise<number> {
  const resources = resourcesOf(plan);
  const failures = await deleteResources(resources, port, log);
  if (failures.length > 0)
    throw new ProvisioningError(`${failures.length} of ${resources.length} deletions failed: ${failures.join("; ")}`);
  return resources.length;
}
