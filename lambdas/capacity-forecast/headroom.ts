/**
 * Regional quota headroom. Azure OpenAI quota is granted per subscription, per region, per model
 * and deployment type, in the unit deployments are sized in (Standard: thousands of TPM), and
 * every deployment in that region draws from it
 * (https://learn.microsoft.com/azure/ai-foundry/openai/how-to/quota). The usages API
 * (`Usages_List`, …/locations/{location}/usages) returns each quota row's `limit` and
 * `currentValue` (what all deployments of the subscription in the region hold); the models API
 * (`Models_List`, …/locations/{location}/models) names the quota row a model + SKU draws from
 * (`skus[].usageName`, e.g. gpt-4o 2024-08-06 Standard -> "OpenAI.Standard.GPT4o"); the
 * deployments API gives what FleetWatch's own deployments hold (`sku.capacity`). Pure.
 */

export interface QuotaUsage {
  /** `name.value`, e.g. "OpenAI.Standard.GPT4o" or "AccountCount". */
  readonly name: string;
  readonly currentValue: number;
  readonly limit: number;
  readonly unit?: string;
}

export interface ModelSkuUsage {
  readonly model: string;
  readonly version?: string;
  /** Deployment SKU name (Standard, GlobalStandard, Provisioned…), compared case-insensitively. */
  readonly skuName: string;
  readonly usageName: string;
}

export interface DeployedCapacity {
  readonly account: string;
  readonly deployment: string;
  readonly model: string;
  readonly modelVersion?: string;
  readonly skuName: string;
  readonly capacity: number;
}

export interface RegionQuota {
  readonly region: string;
  readonly usages: readonly QuotaUsage[];
  readonly models: readonly ModelSkuUsage[];
  readonly deployments: readonly DeployedCapacity[];
}

export interface HeadroomRow {
  readonly region: string;
  readonly quotaName: string;
  readonly limit: number;
  /** The subscription's use in the region (all its deployments, FleetWatch's or not). */
  readonly used: number;
  /** Capacity of the FleetWatch-configured deployments drawing on this row. */
  readonly deployedByFleetWatch: number;
  readonly headroom: number;
  /** 100 x (limit - used) / limit. */
  readonly headroomPercent: number;
  readonly deployments: readonly string[];
}

export interface Unmatched {
  readonly region: string;
  readonly deployment: string;
  readonly usageName: string;
  readonly why: string;
}

export interface HeadroomReport {
  readonly rows: readonly HeadroomRow[];
  /** Deployments whose quota row could not be found: logged, never silently dropped. */
  readonly unmatched: readonly Unmatched[];
  /** Lowest headroomPercent over the rows, undefined when there are none. */
  readonly minHeadroomPercent?: number;
}

/** The regional limit on the number of Cognitive Services accounts, also in the usages answer. */
const ACCOUNT_COUNT = "AccountCount";

/**
 * The quota row one deployment draws from: the models API's usageName for its model, version
 * and SKU; without a listed version, any version of the model with that SKU; otherwise the
 * "OpenAI.<sku>.<model>" convention the examples show (e.g. "OpenAI.Standard.gpt-35-turbo").
 */
export function usageNameOf(d: DeployedCapacity, models: readonly ModelSkuUsage[]): string {
  const sameSku = (m: ModelSkuUsage) => m.model === d.model && m.skuName.toLowerCase() === d.skuName.toLowerCase();
  const exact = models.find((m) => sameSku(m) && d.modelVersion !== undefined && m.version === d.modelVersion);
  return (exact ?? models.find(sameSku))?.usageName ?? `OpenAI.${d.skuName}.${d.model}`;
}

export function computeHeadroom(regions: readonly RegionQuota[]): HeadroomReport {
  const rows: HeadroomRow[] = [];
  const unmatched: Unmatched[] = [];
  for (const r of regions) {
    const byName = new Map(r.usages.map((u) => [u.name.toLowerCase(), u]));
    const drawn = new Map<string, { capacity: number; deployments: string[] }>();
    for (const d of r.deployments) {
      const usageName = usageNameOf(d, r.models);
      const usage = byName.get(usageName.toLowerCase());
      if (!usage) {
        unmatched.push({ region: r.region, deployment: d.deployment, usageName, why: "no such quota row in the region's usages" });
        continue;
      }
      if (!(usage.limit > 0)) {
        unmatched.push({ region: r.region, deployment: d.deployment, usageName, why: `quota row has limit ${usage.limit}` });
        continue;
      }
      const entry = drawn.get(usage.name) ?? { capacity: 0, deployments: [] };
      entry.capacity += d.capacity;
      entry.deployments.push(d.deployment);
      drawn.set(usage.name, entry);
    }
    const account = byName.get(ACCOUNT_COUNT.toLowerCase());
    if (account && account.limit > 0 && !drawn.has(account.name)) drawn.set(account.name, { capacity: 0, deployments: [] });
    for (const [name, entry] of drawn) {
      const u = byName.get(name.toLowerCase())!;
      const headroom = u.limit - u.currentValue;
      rows.push({
        region: r.region,
        quotaName: u.name,
        limit: u.limit,
        used: u.currentValue,
        deployedByFleetWatch: entry.capacity,
        headroom,
        headroomPercent: (100 * headroom) / u.limit,
        deployments: entry.deployments,
      });
    }
  }
  const min = rows.length ? Math.min(...rows.map((x) => x.headroomPercent)) : undefined;
  return { rows, unmatched, ...(min !== undefined ? { minHeadroomPercent: min } : {}) };
}
