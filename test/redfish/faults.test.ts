/**
 * Fault injection against the fake HTTPS BMC: every failure mode ends in the right snapshot
 * status, within the deadline, with no session left open and no credential in the errors.
 */
import { createServer } from "node:net";
import { describe, expect, test } from "vitest";
import { BmcSnapshotSchema } from "../../core/snapshot";
import type { FakeBmc, FakeBmcOptions } from "../../dev-support/redfish-bmc-server";
import { type PolledSnapshot, pollBmc } from "../../lambdas/redfish-poller/poll-bmc";
import { createBmcAgent } from "../../lambdas/redfish-poller/redfish-client";
import { sweep } from "../../lambdas/redfish-poller/sweep";
import { CREDENTIALS, useFakeBmcs } from "./support/fake-bmcs";

const bmcs = useFakeBmcs();
const { agent } = bmcs;
const TIMEOUT_MS = 1_500;

const fake = (options: Partial<FakeBmcOptions>): Promise<FakeBmc> => bmcs.start({ mockup: "dmtf-public-rackmount1", ...options });

function poll(host: string, auth: "basic" | "session", password = CREDENTIALS.password, maxBodyBytes?: number): Promise<PolledSnapshot> {
  return bmcs.poll(host, {
    auth,
    credentials: { username: CREDENTIALS.username, password },
    requestTimeoutMs: TIMEOUT_MS,
    deadline: Date.now() + 10_000,
    maxBodyBytes,
  });
}

function expectClean(snapshot: PolledSnapshot, password = CREDENTIALS.password) {
  BmcSnapshotSchema.parse(snapshot);
  expect(JSON.stringify(snapshot)).not.toContain(password);
  expect(JSON.stringify(snapshot)).not.toContain(Buffer.from(`${CREDENTIALS.username}:${password}`).toString("base64"));
}

describe.each(["basic", "session"] as const)("%s auth", (auth) => {
  test("a BMC that never answers is unreachable after the request timeout", async () => {
    const bmc = await fake({ faults: { "*": { kind: "hang" } } });
    const s = await poll(bmc.host, auth);
    expect(s.status).toBe("unreachable");
    expect(s.errors.join(" ")).toMatch(/no complete answer within/);
    expectClean(s);
  });

  test("wrong password is auth_failed and the password never appears", async () => {
    const bmc = await fake({});
    const s = await poll(bmc.host, auth, "wrong-Passw0rd-xyz");
    expect(s.status).toBe("auth_failed");
    expectClean(s, "wrong-Passw0rd-xyz");
    expect(bmc.openSessions()).toBe(0);
  });

  test.each([
    ["malformed JSON", { kind: "malformed" } as const, /malformed JSON/],
    ["an HTML page", { kind: "html" } as const, /HTML/],
    ["a 503", { kind: "status", status: 503, body: "busy" } as const, /HTTP 503/],
  ])("%s on Thermal gives a partial snapshot that keeps everything else", async (_name, fault, message) => {
    const bmc = await fake({ faults: { "/redfish/v1/Chassis/1U/Thermal": fault } });
    const s = await poll(bmc.host, auth);
    expectClean(s);
    expect(bmc.openSessions()).toBe(0);
    // $expand (MaxLevels 6) inlines Thermal into the Chassis response, so the fault may never be hit;
    // when it is, the status must be partial and the message must say why.
    if (s.errors.length) {
      expect(s.status).toBe("partial");
      expect(s.errors.join(" ")).toMatch(message);
    } else expect(s.status).toBe("ok");
  });
});

test("faults on resources a BMC without $expand must read: partial with a reason, never a crash", async () => {
  const cases: [string, FakeBmcOptions["faults"], RegExp][] = [
    ["malformed", { "/redfish/v1/Chassis/Node0/Thermal": { kind: "malformed" } }, /malformed JSON/],
    ["html", { "/redfish/v1/Chassis/Node0/Thermal": { kind: "html" } }, /HTML/],
    ["oversized", { "/redfish/v1/Chassis/Node0/Thermal": { kind: "oversized", bytes: 300_000 } }, /cap/],
    ["trickle", { "/redfish/v1/Chassis/Node0/Thermal": { kind: "trickle", intervalMs: 50 } }, /no complete answer/],
  ];
  for (const [name, faults, message] of cases) {
    const bmc = await fake({ mockup: "hpe-cray-ex235n-nvidia-a100", faults });
    const s = await poll(bmc.host, "session", CREDENTIALS.password, 200_000);
    expectClean(s);
    expect(s.status, name).toBe("partial");
    expect(s.errors.join(" "), name).toMatch(message);
    // The GPUs still come through from the other resources.
    expect(
      s.components.filter((c) => c.kind === "gpu"),
      name,
    ).toHaveLength(8);
    expect(bmc.openSessions(), name).toBe(0);
  }
});

test("503 with a session-limit message is auth_failed (no free session), and nothing is left open", async () => {
  const bmc = await fake({ sessionLimitReached: true });
  const s = await poll(bmc.host, "session");
  expect(s.status).toBe("auth_failed");
  expect(s.errors.join(" ")).toMatch(/no free session/);
  expect(bmc.openSessions()).toBe(0);
});

test("connection refused is unreachable", async () => {
  const port = await new Promise<number>((ok) => {
    const srv = createServer();
    srv.listen(0, "127.0.0.1", () => {
      const p = (srv.address() as { port: number }).port;
      srv.close(() => ok(p));
    });
  });
  const s = await poll(`127.0.0.1:${port}`, "basic");
  expect(s.status).toBe("unreachable");
  expect(s.errors.join(" ")).toMatch(/ECONNREFUSED/);
});

test("an untrusted certificate is unreachable unless the cluster opted out", async () => {
  const bmc = await fake({});
  const strict = createBmcAgent({}); // system CAs only: the self-signed test certificate is not trusted
  const insecure = createBmcAgent({ insecureSkipTlsVerify: true });
  try {
    const target = { environment: "test", cluster: "lab", bmc: bmc.host, auth: "basic" as const, credentials: CREDENTIALS };
    const a = await pollBmc(target, { dispatcher: strict, requestTimeoutMs: TIMEOUT_MS, deadline: Date.now() + 10_000 });
    expect(a.status).toBe("unreachable");
    expect(a.errors.join(" ")).toMatch(/certificate|self[- ]signed|CERT/i);
    const b = await pollBmc(target, { dispatcher: insecure, requestTimeoutMs: TIMEOUT_MS, deadline: Date.now() + 10_000 });
    expect(b.status).toBe("ok");
  } finally {
    await strict.close();
    await insecure.close();
  }
});

test("one dead BMC does not hold the others: each gets its status, the good ones finish well before the timeout", async () => {
  const good = await Promise.all([fake({}), fake({ mockup: "dmtf-public-tower" })]);
  const dead = await fake({ faults: { "*": { kind: "hang" } } });
  const refused = "127.0.0.1:1";
  const deadline = Date.now() + 10_000;
  const targets = [dead.host, good[0]!.host, refused, good[1]!.host].map((bmc) => ({
    environment: "test",
    cluster: "lab",
    bmc,
    auth: "session" as const,
    credentials: CREDENTIALS,
  }));
  const results = await sweep(targets, (t) => pollBmc(t, { dispatcher: agent, requestTimeoutMs: TIMEOUT_MS, deadline }), {
    concurrency: 4,
  });
  expect(results.map((r) => r.status)).toEqual(["unreachable", "ok", "unreachable", "ok"]);
  for (const r of [results[1]!, results[3]!]) expect(r.durationMs).toBeLessThan(TIMEOUT_MS);
  for (const r of results) expect(r.durationMs).toBeLessThanOrEqual(10_000);
  for (const b of [...good, dead]) expect(b.openSessions()).toBe(0);
});

test("the poll deadline cuts a slow BMC even when its per-request timeout is longer", async () => {
  const slow = await fake({ faults: { "*": { kind: "hang" } } });
  const s = await pollBmc(
    { environment: "test", cluster: "lab", bmc: slow.host, auth: "basic", credentials: CREDENTIALS },
    { dispatcher: agent, requestTimeoutMs: 30_000, deadline: Date.now() + 800 },
  );
  expect(s.status).toBe("unreachable");
  expect(s.durationMs).toBeLessThan(30_000);
});
