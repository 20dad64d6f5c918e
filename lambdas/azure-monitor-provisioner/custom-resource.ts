/**
 * CloudFormation custom resource protocol for Custom::AzureMonitorProvisioning: run the request
 * and always PUT a response to the pre-signed ResponseURL — SUCCESS with a summary, or FAILED
 * with a reason a human can act on (step, resource, Azure's code and message), secrets redacted.
 * A missing response would leave the stack waiting for an hour, so a deadline guards the work.
 */

import { z } from "zod";
import type { AzureSidePlan } from "../../core/azure-side/plan";
import type { Log } from "../shared/log";
import { type ApplySummary, applyPlan, deletePlan, type StepLog } from "./apply";
import type { AzureMonitorPort } from "./port";

export interface CustomResourceEvent {
  readonly RequestType: "Create" | "Update" | "Delete";
  readonly ResponseURL: string;
  readonly StackId: string;
  readonly RequestId: string;
  readonly LogicalResourceId: string;
  readonly ResourceType: string;
  readonly PhysicalResourceId?: string;
  readonly ResourceProperties: Record<string, unknown>;
  readonly OldResourceProperties?: Record<string, unknown>;
}

export interface CustomResourceResponse {
  readonly Status: "SUCCESS" | "FAILED";
  readonly Reason?: string;
  readonly PhysicalResourceId: string;
  readonly StackId: string;
  readonly RequestId: string;
  readonly LogicalResourceId: string;
  readonly Data?: Record<string, string | number>;
}

export interface ProvisionerDeps {
  /** Azure access; built lazily so a bad secret is reported as a FAILED response, not a crash. */
  readonly port: () => Promise<AzureMonitorPort>;
  /** Webhook URI including the intake token (secret: never logged). */
  readonly webhookUri: (intakeUrl: string) => Promise<string>;
  readonly send: (url: string, response: CustomResourceResponse) => Promise<void>;
  readonly log: Log;
  /** Replaces every secret value in a text with "***" before it is logged or sent. */
  readonly redact: (text: string) => string;
  /** Milliseconds left before the work must stop and FAILED be reported. */
  readonly budgetMs: number;
}

const PlanSchema = z
  .object({
    version: z.literal(1),
    environment: z.string().min(1),
    diagnosticSettings: z.array(z.object({ accountResourceId: z.string(), name: z.string() }).loose()),
    savedSearches: z.array(z.object({ workspaceResourceId: z.string(), savedSearchId: z.string() }).loose()),
    actionGroup: z.object({ resourceGroupId: z.string(), name: z.string() }).loose(),
    alertRules: z.array(z.object({ resourceGroupId: z.string(), name: z.string() }).loose()),
  })
  .loose();

function parsePlan(properties: Record<string, unknown> | undefined, which: string): AzureSidePlan {
  const text = properties?.Plan;
  if (typeof text !== "string") throw new Error(`${which}: property Plan is missing (expected the JSON plan built at synth)`);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new Error(`${which}: property Plan is not JSON`);
  }
  const parsed = PlanSchema.safeParse(json);
  if (!parsed.success) throw new Error(`${which}: property Plan is not a FleetWatch Azure-side plan: ${z.prettifyError(parsed.error)}`);
  return parsed.data as unknown as AzureSidePlan;
}

const physicalIdFor = (plan: AzureSidePlan) => `fleetwatch-azure-side-${plan.environment}`;

/** CloudFormation rejects responses over 4 KiB; keep the reason well inside that. */
const MAX_REASON = 2500;

const summaryData = (s: ApplySummary): Record<string, string | number> => ({
  ActionGroupId: s.actionGroupId,
  DiagnosticSettings: s.diagnosticSettings,
  SavedSearches: s.savedSearches,
  AlertRules: s.alertRules,
  Removed: s.removed,
});

async function run(
  event: CustomResourceEvent,
  deps: ProvisionerDeps,
  log: StepLog,
): Promise<{ physicalId: string; data?: Record<string, string | number> }> {
  if (event.RequestType === "Delete") {
    let plan: AzureSidePlan;
    try {
      plan = parsePlan(event.ResourceProperties, "Delete");
    } catch (error) {
      // Nothing valid was ever applied from these properties: there is nothing of ours to remove.
      deps.log.warn("delete with an unreadable plan: nothing to remove", { reason: String(error) });
      return { physicalId: event.PhysicalResourceId ?? `${event.LogicalResourceId}-unreadable` };
    }
    const removed = await deletePlan(plan, await deps.port(), log);
    return { physicalId: event.PhysicalResourceId ?? physicalIdFor(plan), data: { Removed: removed } };
  }
  const desired = parsePlan(event.ResourceProperties, event.RequestType);
  const intakeUrl = event.ResourceProperties.IntakeUrl;
  if (typeof intakeUrl !== "string" || !/^https:\/\//.test(intakeUrl))
    throw new Error("property IntakeUrl must be the https URL of the alert intake");
  const physicalId = physicalIdFor(desired);
  let previous: AzureSidePlan | undefined;
  if (event.RequestType === "Update") {
    const old = parsePlan(event.OldResourceProperties, "Update (old properties)");
    // A new physical id makes CloudFormation send Delete for the old one: leave the diff to it.
    previous = physicalIdFor(old) === physicalId ? old : undefined;
  }
  // Secure webhook: Entra ID signs every call, so the URL carries no token (readable by anyone who can read the action group).
  const webhookUri = desired.actionGroup.secureWebhook ? intakeUrl : await deps.webhookUri(intakeUrl);
  const summary = await applyPlan(desired, previous, await deps.port(), webhookUri, log);
  return { physicalId, data: summaryData(summary) };
}

export async function handleCustomResource(event: CustomResourceEvent, deps: ProvisionerDeps): Promise<CustomResourceResponse> {
  let current = "starting";
  const log: StepLog = (message, fields) => {
    if (typeof fields?.step === "string") current = fields.step;
    deps.log.info(message, fields);
  };
  const base = { StackId: event.StackId, RequestId: event.RequestId, LogicalResourceId: event.LogicalResourceId };
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${Math.round(deps.budgetMs / 1000)} s during: ${current}`)), deps.budgetMs);
  });
  let response: CustomResourceResponse;
  try {
    const result = await Promise.race([run(event, deps, log), deadline]);
    response = { ...base, Status: "SUCCESS", PhysicalResourceId: result.physicalId, ...(result.data ? { Data: result.data } : {}) };
    deps.log.info(`${event.RequestType} succeeded`, { data: result.data });
  } catch (error) {
    const raw = `${event.RequestType} of the Azure side failed: ${error instanceof Error ? error.message : String(error)}`;
    const reason = deps.redact(raw);
    deps.log.error("request failed", { reason });
    response = {
      ...base,
      Status: "FAILED",
      Reason: reason.length > MAX_REASON ? `${reason.slice(0, MAX_REASON - 3)}...` : reason,
      // Keep the id CloudFormation knows (or a stable one) so a failed Create is followed by a Delete of it.
      PhysicalResourceId: event.PhysicalResourceId ?? fallbackPhysicalId(event),
    };
  } finally {
    clearTimeout(timer);
  }
  await deps.send(event.ResponseURL, response);
  return response;
}

function fallbackPhysicalId(event: CustomResourceEvent): string {
  try {
    return physicalIdFor(parsePlan(event.ResourceProperties, event.RequestType));
  } catch {
    return `fleetwatch-azure-side-${event.LogicalResourceId}`;
  }
}

export function redactor(secrets: () => readonly string[]): (text: string) => string {
  return (text) => {
    let out = text;
    for (const secret of secrets()) {
      if (secret.length < 4) continue;
      out = out.split(secret).join("***");
      const encoded = encodeURIComponent(secret);
      if (encoded !== secret) out = out.split(encoded).join("***");
    }
    return out;
  };
}
