/**
 * What the provisioner needs from Azure, as a narrow interface: apply.ts is written against this
 * and arm-adapter.ts implements it with @azure/arm-monitor and @azure/arm-operationalinsights.
 * Deletes must treat "already gone" as success (that is what makes delete idempotent).
 */

import type { ActionGroupPlan, AlertRulePlan, DiagnosticSettingPlan, SavedSearchPlan } from "../../core/azure-side/plan";
import type { ExistingDiagnosticSetting } from "./brownfield";

export interface AzureMonitorPort {
  workspaceLocation(workspaceResourceId: string): Promise<string>;
  /** Returns the action group's ARM id. */
  putActionGroup(spec: ActionGroupPlan, webhookUri: string, environment: string): Promise<string>;
  deleteActionGroup(spec: ActionGroupPlan): Promise<void>;
  /** Every diagnostic setting on the resource, whoever created it (read-only: others' are never changed). */
  listDiagnosticSettings(resourceId: string): Promise<ExistingDiagnosticSetting[]>;
  putDiagnosticSetting(spec: DiagnosticSettingPlan): Promise<void>;
  deleteDiagnosticSetting(spec: DiagnosticSettingPlan): Promise<void>;
  putSavedSearch(spec: SavedSearchPlan, environment: string): Promise<void>;
  deleteSavedSearch(spec: SavedSearchPlan): Promise<void>;
  putAlertRule(spec: AlertRulePlan, target: { location: string; actionGroupId: string; environment: string }): Promise<void>;
  deleteAlertRule(spec: AlertRulePlan): Promise<void>;
}
