/**
 * One poll of one BMC: open (at most one session), collect, close in finally, normalise,
 * and shape the snapshot. Shared by the Lambda and `fleetwatch probe`.
 */
import type { Dispatcher } from "undici";
import { type BmcSnapshot, SNAPSHOT_SCHEMA_ID, type SnapshotStatus } from "../../core/snapshot";
import { collect, type ReportNote, type ResourceMap } from "../shared/redfish/collect";
import { type Normalised, normaliseBmc } from "../shared/redfish/normalise/normalise-bmc";
import type { ThrottleCounters } from "../shared/redfish/normalise/throttle";
import { linkOf } from "../shared/redfish/odata";
import { BmcClient, type Credentials } from "./redfish-client";

/** Warm-invocation memory per BMC: its resource map and last throttle counters. */
export interface BmcMemory {
  map?: ResourceMap;
  throttle?: ThrottleCounters;
}

export interface PollTarget {
  readonly environment: string;
  readonly cluster: string;
  /** As configured: host or host:port. */
  readonly bmc: string;
  readonly auth: "basic" | "session" | "none";
  readonly credentials?: Credentials;
}

export interface PollSettings {
  readonly dispatcher: Dispatcher;
  readonly requestTimeoutMs: number;
  readonly deadline: number;
  readonly maxBodyBytes?: number;
  readonly perBmcConcurrency?: number;
  /** A GPU above this (°C) is a problem: the environment's gpu-temperature critical level (normalise-bmc.ts). */
  readonly gpuHotC?: number;
  /** Clock (tests). */
  readonly now?: () => number;
}

export type PolledSnapshot = BmcSnapshot & {
  problems: string[];
  discovered: boolean;
  /** Metric reports this poll relied on or set aside (docs/redfish.md, "Metric reports"). */
  metricReports?: ReportNote[];
};

function baseUrlOf(bmc: string): string {
  return /^https?:\/\//i.test(bmc) ? bmc.replace(/\/+$/, "") : `https://${bmc}`;
}

export async function pollBmc(target: PollTarget, settings: PollSettings, memory: BmcMemory = {}): Promise<PolledSnapshot> {
  const now = settings.now ?? Date.now;
  const started = now();
  const client = new BmcClient({
    baseUrl: baseUrlOf(target.bmc),
    dispatcher: settings.dispatcher,
    auth: target.auth,
    credentials: target.credentials,
    requestTimeoutMs: settings.requestTimeoutMs,
    deadline: settings.deadline,
    maxBodyBytes: settings.maxBodyBytes,
  });
  let status: SnapshotStatus = "ok";
  const errors: string[] = [];
  let normalised: Normalised | undefined;
  let discovered = false;
  let reports: ReportNote[] | undefined;
  try {
    const opened = await client.open(linkOf(memory.map?.root?.Links && (memory.map.root.Links as Record<string, unknown>).Sessions));
    if (!opened.ok) {
      errors.push(opened.message);
      status =
        opened.failure === "auth" || opened.failure === "no_session"
          ? "auth_failed"
          : unreachable(opened.failure)
            ? "unreachable"
            : "error";
    } else {
      const collected = await collect(client, memory.map, { now: started, perBmcConcurrency: settings.perBmcConcurrency });
      discovered = collected.discovered;
      reports = collected.reports?.length ? collected.reports : undefined;
      errors.push(...collected.errors);
      if (collected.map) memory.map = collected.map;
      if (collected.fatal) {
        status = collected.fatal === "auth" ? "auth_failed" : unreachable(collected.fatal) ? "unreachable" : "error";
        if (collected.responses === 0 && memory.map) memory.map.stale = true;
      } else {
        normalised = normaliseBmc(collected.store, { previousThrottle: memory.throttle, gpuHotC: settings.gpuHotC });
        memory.throttle = normalised.throttleCounters;
        if (collected.responses === 0) status = "unreachable";
        else if (errors.length) status = normalised.components.length ? "partial" : "error";
      }
    }
  } catch (err) {
    // Never reached in normal operation (the client returns failures); kept so one BMC can't crash a sweep.
    status = "error";
    errors.push(`poll failed: ${(err as Error).message}`.slice(0, 300));
  } finally {
    await client.close();
  }
  return {
    schema: SNAPSHOT_SCHEMA_ID,
    environment: target.environment,
    cluster: target.cluster,
    bmc: target.bmc,
    collectedAt: new Date(started).toISOString(),
    durationMs: Math.max(0, now() - started),
    requests: client.requests,
    status,
    errors: redact(errors, target.credentials),
    components: normalised?.components ?? [],
    problems: [
      ...(normalised?.problems ?? []),
      ...(reports ?? [])
        .filter((r) => !r.used)
        .map((r) => `metric report ${r.report} not used: ${r.reason}; GPU readings read from their resources`),
    ],
    discovered,
    ...(reports ? { metricReports: reports } : {}),
  };
}

function unreachable(failure: string): boolean {
  return failure === "network" || failure === "timeout" || failure === "deadline";
}

/** Belt and braces: no error text may carry the password, whatever a BMC echoes back. */
export function redact(errors: string[], credentials?: Credentials): string[] {
  if (!credentials?.password) return errors;
  const { password } = credentials;
  const encoded = Buffer.from(`${credentials.username}:${password}`).toString("base64");
  return errors.map((e) => e.split(password).join("***").split(encoded).join("***"));
}
