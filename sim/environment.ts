/**
 * The simulated environment's config: config/dev.json (thresholds, budgets, paging, Azure
 * tenant and prices untouched) with the clusters and Azure deployments of the simulated fleet.
 * Validated by the same schema as `cdk synth`. The catalog resolves its alarms from it.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseConfig } from "../core/config/parse";
import type { EnvironmentConfig } from "../core/config/schema";
import { CONFIG_DIR } from "../lib/config/load";
import type { DeploymentTraffic } from "./azure-traffic";

export interface SimDeployment {
  readonly name: string;
  readonly team: string;
  readonly model: string;
  readonly sloP99Ms: number;
  readonly dailyBudgetUsd: number;
  readonly capacity: number;
  readonly requestsPerMinute: number;
  readonly promptTokensPerRequest: number;
  readonly completionTokensPerRequest: number;
}

/** gpt-4o is dev's deployment (SLO and budget from config/dev.json); gpt-4o-mini is added for the simulation. */
export const SIM_DEPLOYMENTS: readonly SimDeployment[] = [
  {
    name: "gpt-4o",
    team: "assistants",
    model: "gpt-4o",
    sloP99Ms: 8000,
    dailyBudgetUsd: 50,
    capacity: 12,
    requestsPerMinute: 15,
    promptTokensPerRequest: 400,
    completionTokensPerRequest: 80,
  },
  {
    name: "gpt-4o-mini",
    team: "search",
    model: "gpt-4o-mini",
    sloP99Ms: 4000,
    dailyBudgetUsd: 20,
    capacity: 50,
    requestsPerMinute: 40,
    promptTokensPerRequest: 600,
    completionTokensPerRequest: 150,
  },
];

export function simEnvironment(clusters: readonly string[], environmentName = "dev"): EnvironmentConfig {
  // biome-ignore lint/suspicious/noExplicitAny: raw JSON, edited then validated by parseConfig below
  const raw = JSON.parse(readFileSync(join(CONFIG_DIR, `${environmentName}.json`), "utf8")) as Record<string, any>;
  const template = raw.redfish.clusters[0];
  // Placeholder addresses inside the configured BMC CIDR: the poller's inventory gets the real loopback endpoints.
  raw.redfish.clusters = clusters.map((name, i) => ({
    ...template,
    name,
    bmcs: [`10.20.0.${100 + i}`],
    credentialsSecretName: `fleetwatch/${raw.name}/bmc/${name}`,
  }));
  const account = raw.azure.accounts[0];
  const existing = new Map((account.deployments as { name: string }[]).map((d) => [d.name, d]));
  account.deployments = SIM_DEPLOYMENTS.map((d) => ({
    ...(existing.get(d.name) ?? {}),
    name: d.name,
    team: d.team,
    model: d.model,
    sloP99Ms: (existing.get(d.name) as { sloP99Ms?: number } | undefined)?.sloP99Ms ?? d.sloP99Ms,
    dailyBudgetUsd: (existing.get(d.name) as { dailyBudgetUsd?: number } | undefined)?.dailyBudgetUsd ?? d.dailyBudgetUsd,
  }));
  raw.azure.accounts = [account];
  raw.azure.prices = {
    ...raw.azure.prices,
    "gpt-4o-mini": raw.azure.prices["gpt-4o-mini"] ?? { inputUsdPer1kTokens: 0.00015, outputUsdPer1kTokens: 0.0006 },
  };
  return parseConfig(raw, `${environmentName}.json (simulated fleet)`);
}

export function trafficOf(config: EnvironmentConfig): DeploymentTraffic[] {
  const account = config.azure?.accounts[0];
  if (!account) return [];
  return account.deployments.map((d) => {
    const sim = SIM_DEPLOYMENTS.find((s) => s.name === d.name) as SimDeployment;
    return {
      accountResourceId: account.resourceId,
      name: d.name,
      model: d.model,
      capacity: sim.capacity,
      requestsPerMinute: sim.requestsPerMinute,
      promptTokensPerRequest: sim.promptTokensPerRequest,
      completionTokensPerRequest: sim.completionTokensPerRequest,
      // Normal P99 at half the SLO.
      p99Ms: d.sloP99Ms / 2,
    };
  });
}
