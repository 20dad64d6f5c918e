/**
 * Requests per steady-state poll for every BMC capture in dev-support/redfish-captures, with and
 * without $expand, Basic and session auth: the lines `npm run bench:poller` prints above its
 * Telegraf and last lines. Each capture is served by the HTTPS fake BMC (in this process; the
 * requests are counted by the poller's own client) and polled twice: discovery, then the steady
 * state that is reported. "without $expand" serves the same capture with ExpandQuery removed
 * from ProtocolFeaturesSupported (as a BMC that never advertised it).
 */

import { loadMockup, startFakeBmc } from "../dev-support/redfish-bmc-server";
import { testCertificate } from "../dev-support/tls";
import { type BmcMemory, pollBmc } from "../lambdas/redfish-poller/poll-bmc";
import { createBmcAgent } from "../lambdas/redfish-poller/redfish-client";

export const FIXTURES = [
  "dmtf-public-rackmount1",
  "dmtf-public-tower",
  "hpe-apollo6500-xl675d-a100",
  "hpe-cray-ex235n-nvidia-a100",
  "lambdalabs-nvidia-fixtures/gb300-supermicro",
] as const;

export interface FixtureRequests {
  readonly fixture: string;
  readonly expand: boolean;
  readonly auth: "basic" | "session";
  readonly first: number;
  readonly steady: number;
}

/** The capture with $expand no longer advertised (a deep copy of the service root only). */
function withoutExpand(fixture: string): Map<string, Record<string, unknown>> {
  const tree = new Map(loadMockup(fixture));
  const root = structuredClone(tree.get("/redfish/v1")) as Record<string, unknown>;
  const features = root.ProtocolFeaturesSupported as Record<string, unknown> | undefined;
  if (features) delete features.ExpandQuery;
  tree.set("/redfish/v1", root);
  return tree;
}

export async function fixtureRequests(): Promise<FixtureRequests[]> {
  const agent = createBmcAgent({ ca: testCertificate().ca });
  const credentials = { username: "monitor", password: "bench-Passw0rd" };
  const out: FixtureRequests[] = [];
  try {
    for (const fixture of FIXTURES) {
      for (const expand of [true, false]) {
        for (const auth of ["basic", "session"] as const) {
          const bmc = await startFakeBmc({ mockup: expand ? fixture : withoutExpand(fixture), ...credentials, maxSessions: 8 });
          try {
            const memory: BmcMemory = {};
            const poll = () =>
              pollBmc(
                { environment: "bench", cluster: "fixtures", bmc: bmc.host, auth, credentials },
                { dispatcher: agent, requestTimeoutMs: 10_000, deadline: Date.now() + 60_000 },
                memory,
              );
            const first = await poll();
            const steady = await poll();
            out.push({ fixture, expand, auth, first: first.requests, steady: steady.requests });
          } finally {
            await bmc.close();
          }
        }
      }
    }
  } finally {
    await agent.close();
  }
  return out;
}

export function formatFixtureRequests(rows: readonly FixtureRequests[]): string[] {
  return rows.map(
    (r) =>
      `fixture ${r.fixture} expand=${r.expand ? "advertised" : "off"} auth=${r.auth} first_poll_requests=${r.first} steady_poll_requests=${r.steady}`,
  );
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const line of formatFixtureRequests(await fixtureRequests())) console.log(line);
}
