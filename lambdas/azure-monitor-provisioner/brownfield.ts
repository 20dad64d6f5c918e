/**
 * Brownfield accounts: Azure rejects a diagnostic setting that sends a category to a workspace
 * another setting of the same resource already sends it to (HTTP 409 Conflict: "Data sinks can't
 * be reused in different settings on the same category for the same resource"). The logs already
 * land where FleetWatch needs them, so FleetWatch's own setting claims only what is not covered.
 * https://learn.microsoft.com/azure/azure-monitor/essentials/diagnostic-settings
 */
import type { DiagnosticSettingPlan } from "../../core/azure-side/plan";

/** A diagnostic setting that exists on the resource (any owner), as ARM lists it. */
export interface ExistingDiagnosticSetting {
  readonly name: string;
  readonly workspaceId?: string;
  /** Categories (logs and metrics) the setting has enabled. */
  readonly enabledCategories: readonly string[];
}

export interface DiagnosticSettingClaim {
  /** What FleetWatch's setting still has to send (empty: nothing to create). */
  readonly logCategories: readonly string[];
  readonly allMetrics: boolean;
  /** category -> the other setting that already sends it to the workspace. */
  readonly coveredBy: Readonly<Record<string, string>>;
}

export function claimDiagnosticCategories(
  spec: DiagnosticSettingPlan,
  existing: readonly ExistingDiagnosticSetting[],
): DiagnosticSettingClaim {
  const coveredBy: Record<string, string> = {};
  for (const other of existing) {
    if (other.name.toLowerCase() === spec.name.toLowerCase()) continue;
    if ((other.workspaceId ?? "").toLowerCase() !== spec.workspaceResourceId.toLowerCase()) continue;
    for (const category of other.enabledCategories) coveredBy[category] ??= other.name;
  }
  return {
    logCategories: spec.logCategories.filter((c) => !coveredBy[c]),
    allMetrics: spec.allMetrics && !coveredBy.AllMetrics,
    coveredBy,
  };
}
