/**
 * The simulated GPU fleet: one HTTPS fake BMC (dev-support/redfish-bmc-server.ts) per node,
 * serving a Redfish mockup from dev-support/redfish-captures with mutable overlays on top.
 *
 * The fake BMC caches its response bodies, so an overlay cannot be applied in place: each BMC
 * has a fixed loopback address (a TCP pass-through, the "BMC's IP") in front of a fake BMC
 * built from base tree + overlays; changing the overlays starts a fresh fake BMC and switches
 * the pass-through to it (dropping kept-alive connections, as a BMC reboot of its web server
 * would). A dark BMC resets every connection, which the poller sees as unreachable.
 */

import type { AddressInfo } from "node:net";
import { connect, createServer, type Server, type Socket } from "node:net";
import { type FakeBmc, loadMockup, startFakeBmc } from "../dev-support/redfish-bmc-server";

export type Doc = Record<string, unknown>;
export type Tree = Map<string, Doc>;

/** Edits a copy of one resource; `patch` copies on write, the base mockup is never mutated. */
export type Overlay = (patch: (path: string, edit: (doc: Doc) => void) => void) => void;

export interface NodeSpec {
  /** Stable name used by the scenario, e.g. "train-a/apollo-1". */
  readonly id: string;
  readonly cluster: string;
  /** Mockup directory under dev-support/redfish-captures. */
  readonly mockup: string;
  /** Overlays that repair faults already present in the capture, so the baseline is healthy. */
  readonly baseline?: readonly Overlay[];
}

export const BMC_USERNAME = "monitor";
export const BMC_PASSWORD = "s3cret-Passw0rd";

export class SimBmc {
  private backend?: FakeBmc;
  private readonly overlays = new Map<string, Overlay>();
  private dark = false;
  private readonly sockets = new Set<Socket>();
  private constructor(
    readonly spec: NodeSpec,
    private readonly frontend: Server,
  ) {}

  /** host:port the poller is configured with. */
  get endpoint(): string {
    return `127.0.0.1:${(this.frontend.address() as AddressInfo).port}`;
  }

  static async start(spec: NodeSpec): Promise<SimBmc> {
    let self: SimBmc | undefined;
    const frontend = createServer((socket) => self?.accept(socket));
    await new Promise<void>((resolve) => frontend.listen(0, "127.0.0.1", resolve));
    self = new SimBmc(spec, frontend);
    await self.rebuild();
    return self;
  }

  private accept(socket: Socket): void {
    const backend = this.backend;
    if (this.dark || !backend) {
      socket.resetAndDestroy();
      return;
    }
    const upstream = connect(backend.port, "127.0.0.1");
    this.sockets.add(socket);
    this.sockets.add(upstream);
    const drop = () => {
      socket.destroy();
      upstream.destroy();
      this.sockets.delete(socket);
      this.sockets.delete(upstream);
    };
    socket.on("error", drop).on("close", drop);
    upstream.on("error", drop).on("close", drop);
    socket.pipe(upstream).pipe(socket);
  }

  /** The tree the BMC serves now: base mockup, then baseline repairs, then active overlays. */
  tree(): Tree {
    const tree: Tree = new Map(loadMockup(this.spec.mockup));
    const copied = new Set<string>();
    const patch = (path: string, edit: (doc: Doc) => void) => {
      const doc = tree.get(path);
      if (!doc) throw new Error(`${this.spec.id}: overlay targets ${path}, which ${this.spec.mockup} does not have`);
      if (!copied.has(path)) {
        tree.set(path, structuredClone(doc));
        copied.add(path);
      }
      edit(tree.get(path) as Doc);
    };
    for (const o of this.spec.baseline ?? []) o(patch);
    for (const o of this.overlays.values()) o(patch);
    return tree;
  }

  private async rebuild(): Promise<void> {
    const previous = this.backend;
    this.backend = await startFakeBmc({ mockup: this.tree(), auth: "either", username: BMC_USERNAME, password: BMC_PASSWORD });
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
    await previous?.close();
  }

  async setOverlay(name: string, overlay: Overlay | undefined): Promise<void> {
    if (overlay) this.overlays.set(name, overlay);
    else this.overlays.delete(name);
    await this.rebuild();
  }

  setDark(dark: boolean): void {
    this.dark = dark;
    if (dark) {
      for (const s of this.sockets) s.destroy();
      this.sockets.clear();
    }
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.frontend.close(() => resolve()));
    await this.backend?.close();
  }
}

export class Fleet {
  private constructor(readonly nodes: ReadonlyMap<string, SimBmc>) {}

  static async start(specs: readonly NodeSpec[]): Promise<Fleet> {
    const nodes = new Map<string, SimBmc>();
    for (const spec of specs) nodes.set(spec.id, await SimBmc.start(spec));
    return new Fleet(nodes);
  }

  node(id: string): SimBmc {
    const n = this.nodes.get(id);
    if (!n) throw new Error(`no simulated node ${id}`);
    return n;
  }

  clusters(): { name: string; bmcs: string[] }[] {
    const out = new Map<string, string[]>();
    for (const n of this.nodes.values()) out.set(n.spec.cluster, [...(out.get(n.spec.cluster) ?? []), n.endpoint]);
    return [...out].map(([name, bmcs]) => ({ name, bmcs }));
  }

  async close(): Promise<void> {
    for (const n of this.nodes.values()) await n.close();
  }
}

// ------------------------------------------------------------------ overlays used by scenarios

/** Sets a field on the member of an array (e.g. Thermal.Fans) whose Name matches. */
export function setMember(path: string, array: string, name: string, edit: (member: Doc) => void): Overlay {
  return (patch) =>
    patch(path, (doc) => {
      const member = (doc[array] as Doc[] | undefined)?.find((m) => m.Name === name);
      if (!member) throw new Error(`${path}: no ${array} member named ${name}`);
      edit(member);
    });
}

export function setAt(path: string, keys: readonly (string | number)[], value: unknown): Overlay {
  return (patch) =>
    patch(path, (doc) => {
      let node: Record<string | number, unknown> = doc;
      for (const k of keys.slice(0, -1)) node = node[k] as Record<string | number, unknown>;
      node[keys[keys.length - 1] as string | number] = value;
    });
}
