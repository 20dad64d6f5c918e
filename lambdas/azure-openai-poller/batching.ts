/**
 * Groups resources into metrics:getBatch calls. The batch API is regional and per subscription:
 * every resource in one call must share subscription, region and resource type (the metric
 * namespace), and one call takes at most 50 resource ids.
 */

export const MAX_RESOURCES_PER_BATCH = 50;

export interface BatchableResource {
  readonly resourceId: string;
  readonly region: string;
}

export interface ResourceBatch {
  readonly subscriptionId: string;
  readonly region: string;
  /** Resource type as a metric namespace, e.g. Microsoft.CognitiveServices/accounts. */
  readonly namespace: string;
  readonly resourceIds: readonly string[];
}

const RESOURCE_ID = /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/([^/]+)\/([^/]+)\/([^/]+)$/i;

export interface ParsedResourceId {
  readonly subscriptionId: string;
  readonly resourceGroup: string;
  readonly provider: string;
  readonly type: string;
  readonly name: string;
}

export function parseResourceId(resourceId: string): ParsedResourceId {
  const m = RESOURCE_ID.exec(resourceId);
  if (!m) throw new Error(`not an Azure resource id: ${resourceId}`);
  const [, subscriptionId, resourceGroup, provider, type, name] = m as unknown as [string, string, string, string, string, string];
  return { subscriptionId: subscriptionId.toLowerCase(), resourceGroup, provider, type, name };
}

export function groupIntoBatches(resources: readonly BatchableResource[], max = MAX_RESOURCES_PER_BATCH): ResourceBatch[] {
  const groups = new Map<string, { subscriptionId: string; region: string; namespace: string; ids: string[] }>();
  const seen = new Set<string>();
  for (const r of resources) {
    const key = r.resourceId.toLowerCase();
    if (seen.has(key)) continue;
    seen.add(key);
    const id = parseResourceId(r.resourceId);
    const namespace = `${id.provider}/${id.type}`;
    const groupKey = [id.subscriptionId, r.region.toLowerCase(), namespace.toLowerCase()].join("|");
    let g = groups.get(groupKey);
    if (!g) {
      g = { subscriptionId: id.subscriptionId, region: r.region.toLowerCase(), namespace, ids: [] };
      groups.set(groupKey, g);
    }
    g.ids.push(r.resourceId);
  }
  const batches: ResourceBatch[] = [];
  for (const g of groups.values()) {
    for (let i = 0; i < g.ids.length; i += max) {
      batches.push({ subscriptionId: g.subscriptionId, region: g.region, namespace: g.namespace, resourceIds: g.ids.slice(i, i + max) });
    }
  }
  return batches;
}
