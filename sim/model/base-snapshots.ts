/**
 * The healthy snapshot of every node of the simulated fleet, as the real Redfish poller reads
 * it: each distinct mockup (dev-support/redfish-captures) is served once by the HTTPS fake BMC and
 * polled once by `pollBmc`. The model then derives every minute's snapshot from these, with
 * the scenario's effects applied (sim/model/world.ts). Polling once keeps a day of simulated
 * minutes cheap; the end-to-end run (`npm run simulate -- --e2e`) polls every minute.
 */

import type { BmcSnapshot } from "../../core/snapshot";
import { startFakeBmc } from "../../dev-support/redfish-bmc-server";
import { testCertificate } from "../../dev-support/tls";
import { type PolledSnapshot, pollBmc } from "../../lambdas/redfish-poller/poll-bmc";
import { createBmcAgent } from "../../lambdas/redfish-poller/redfish-client";
import type { NodeSpec } from "../fleet";

const USER = { username: "monitor", password: "s3cret-Passw0rd" };
const cache = new Map<string, PolledSnapshot>();

/** One healthy snapshot per node id (components only matter; identity fields are the node's). */
export async function baseSnapshots(nodes: readonly NodeSpec[], environment: string): Promise<Map<string, BmcSnapshot>> {
  const agent = createBmcAgent({ ca: testCertificate().ca });
  try {
    for (const mockup of new Set(nodes.map((n) => n.mockup))) {
      if (cache.has(mockup)) continue;
      const bmc = await startFakeBmc({ mockup, auth: "either", ...USER });
      try {
        const snapshot = await pollBmc(
          { environment, cluster: "base", bmc: bmc.host, auth: "session", credentials: USER },
          { dispatcher: agent, requestTimeoutMs: 10_000, deadline: Date.now() + 60_000 },
          {},
        );
        if (snapshot.status !== "ok")
          throw new Error(`base snapshot of ${mockup}: status ${snapshot.status} (${snapshot.errors.join("; ")})`);
        cache.set(mockup, snapshot);
      } finally {
        await bmc.close();
      }
    }
  } finally {
    await agent.close();
  }
  const out = new Map<string, BmcSnapshot>();
  for (const n of nodes) {
    const { problems: _p, discovered: _d, ...snapshot } = cache.get(n.mockup) as PolledSnapshot;
    out.set(n.id, { ...snapshot, environment, cluster: n.cluster, bmc: n.id });
  }
  return out;
}
