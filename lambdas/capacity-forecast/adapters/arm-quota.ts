/**
 * Reads regional quota through @azure/arm-cognitiveservices: `usages.list(location)`
 * (Usages_List), `models.list(location)` (Models_List, for each model SKU's usageName) and
 * `deployments.list(resourceGroup, account)` (Deployments_List, for sku.capacity), once per
 * subscription x region. Only the deployments FleetWatch is configured with are counted as
 * "deployed by FleetWatch"; `currentValue` already holds every deployment of the subscription.
 */
import type { CognitiveServicesManagementClient } from "@azure/arm-cognitiveservices";
import type { TokenCredential } from "@azure/core-auth";
import { cognitiveServicesClients } from "../../shared/azure/cognitive-services";
import type { DeployedCapacity, ModelSkuUsage, QuotaUsage, RegionQuota } from "../headroom";
import type { QuotaReader } from "../ports";

export interface ArmQuotaOptions {
  readonly resourceManager: string;
  /** Token audience of ARM; defaults to the endpoint (differs only for local test servers). */
  readonly audience?: string;
  /** Extra CA (PEM) to trust: only for local test servers. */
  readonly ca?: string;
}

function parseAccountId(id: string): { subscriptionId: string; resourceGroup: string; name: string } {
  const m = /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.CognitiveServices\/accounts\/([^/]+)$/i.exec(id);
  if (!m) throw new Error(`not a Microsoft.CognitiveServices/accounts resource id: ${id}`);
  return { subscriptionId: m[1]!, resourceGroup: m[2]!, name: m[3]! };
}

export class ArmQuotaReader implements QuotaReader {
  /** One client per subscription. */
  private readonly client: (subscriptionId: string) => CognitiveServicesManagementClient;
  constructor(credential: TokenCredential, opts: ArmQuotaOptions) {
    this.client = cognitiveServicesClients(
      credential,
      { endpoint: opts.resourceManager, audience: opts.audience },
      opts.ca ? { tlsOptions: { ca: opts.ca } } : {},
    );
  }

  async read(accounts: readonly { resourceId: string; region: string; deployments: readonly string[] }[]): Promise<RegionQuota[]> {
    const groups = new Map<string, { subscriptionId: string; region: string; deployments: DeployedCapacity[] }>();
    for (const a of accounts) {
      const id = parseAccountId(a.resourceId);
      const key = `${id.subscriptionId.toLowerCase()}|${a.region.toLowerCase()}`;
      const group = groups.get(key) ?? { subscriptionId: id.subscriptionId, region: a.region, deployments: [] };
      groups.set(key, group);
      const wanted = new Set(a.deployments);
      for await (const d of this.client(id.subscriptionId).deployments.list(id.resourceGroup, id.name)) {
        if (!d.name || !wanted.has(d.name)) continue;
        const model = d.properties?.model;
        if (!model?.name || !d.sku?.name) continue;
        group.deployments.push({
          account: id.name,
          deployment: d.name,
          model: model.name,
          ...(model.version ? { modelVersion: model.version } : {}),
          skuName: d.sku.name,
          capacity: d.sku.capacity ?? 0,
        });
      }
    }
    const out: RegionQuota[] = [];
    for (const g of groups.values()) {
      const client = this.client(g.subscriptionId);
      const usages: QuotaUsage[] = [];
      for await (const u of client.usages.list(g.region)) {
        if (!u.name?.value || u.limit === undefined) continue;
        usages.push({ name: u.name.value, currentValue: u.currentValue ?? 0, limit: u.limit, ...(u.unit ? { unit: u.unit } : {}) });
      }
      const models: ModelSkuUsage[] = [];
      for await (const m of client.models.list(g.region)) {
        const model = m.model;
        if (!model?.name) continue;
        for (const sku of model.skus ?? []) {
          if (!sku.name || !sku.usageName) continue;
          models.push({
            model: model.name,
            ...(model.version ? { version: model.version } : {}),
            skuName: sku.name,
            usageName: sku.usageName,
          });
        }
      }
      out.push({ region: g.region, usages, models, deployments: g.deployments });
    }
    return out;
  }
}
