/**
 * The set-up the Redfish poller tests share: HTTPS fake BMCs (dev-support/redfish-bmc-server.ts)
 * closed after the test file, one TLS agent that trusts their CA, and the real poller pointed at
 * them (Basic auth, a generous deadline unless a test sets its own).
 */
import { afterAll } from "vitest";
import { type FakeBmc, type FakeBmcOptions, startFakeBmc } from "../../../dev-support/redfish-bmc-server";
import { testCertificate } from "../../../dev-support/tls";
import { type BmcMemory, type PolledSnapshot, type PollSettings, pollBmc } from "../../../lambdas/redfish-poller/poll-bmc";
import { createBmcAgent } from "../../../lambdas/redfish-poller/redfish-client";

export const CREDENTIALS = { username: "monitor", password: "s3cret-Passw0rd" };

/** A BMC's resources by @odata.id, as dev-support/redfish-captures holds them. */
export type Tree = Map<string, Record<string, unknown>>;

export interface PollOptions extends Partial<PollSettings> {
  readonly auth?: "basic" | "session";
  readonly credentials?: { username: string; password: string };
  readonly memory?: BmcMemory;
}

/** Call at the top of a test file: fake BMCs it starts are closed, with the agent, after the file. */
export function useFakeBmcs() {
  const agent = createBmcAgent({ ca: testCertificate().ca });
  const servers: FakeBmc[] = [];
  afterAll(async () => {
    await Promise.all(servers.map((s) => s.close()));
    await agent.close();
  });
  const start = async (options: FakeBmcOptions): Promise<FakeBmc> => {
    const bmc = await startFakeBmc(options);
    servers.push(bmc);
    return bmc;
  };
  const poll = (host: string, options: PollOptions = {}): Promise<PolledSnapshot> => {
    const { auth = "basic", credentials = CREDENTIALS, memory, ...settings } = options;
    return pollBmc(
      { environment: "test", cluster: "lab", bmc: host, auth, credentials },
      { dispatcher: agent, requestTimeoutMs: 10_000, deadline: Date.now() + 60_000, ...settings },
      memory,
    );
  };
  /** Discovery, then one steady-state poll with the same memory; `steadyLog` holds the second poll's requests. */
  const twoPolls = async (options: FakeBmcOptions) => {
    const bmc = await start(options);
    const memory: BmcMemory = {};
    const again = () => poll(bmc.host, { memory });
    const first = await again();
    const mark = bmc.log.length;
    const steady = await again();
    return { bmc, memory, first, steady, steadyLog: bmc.log.slice(mark), poll: again };
  };
  return { agent, start, poll, twoPolls };
}
