/**
 * Real time-series databases for the InfluxDB sink's tests, from Debian's packages (installed by
 * scripts/setup-test-deps.sh when missing): each started on 127.0.0.1 on a free port with a
 * temporary data directory, and stopped (process killed by its id, directory removed) by close().
 *
 * - VictoriaMetrics: accepts InfluxDB line protocol on /api/v2/write and exports exactly what it
 *   stored on /api/v1/export (https://docs.victoriametrics.com/victoriametrics/integrations/influxdb).
 * - InfluxDB 1.x: its /write parses line protocol strictly. Debian bookworm ships 1.6.7, which
 *   predates the /api/v2/write compatibility endpoint of 1.8
 *   (https://docs.influxdata.com/influxdb/v1/tools/api/#apiv2write-http-endpoint), so
 *   `v2Url` is a small forwarder doing what that endpoint does: /api/v2/write?bucket=db[/rp] to
 *   /write?db=db&rp=rp with the same precision, body and Content-Encoding, the answer passed back.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface LocalDatabase {
  /** Base URL of its InfluxDB v2 write API. */
  readonly v2Url: string;
  /** Its own HTTP API (export / query). */
  readonly url: string;
  close(): Promise<void>;
}

function requireBinary(name: string, pkg: string): string {
  try {
    return execFileSync("sh", ["-c", `command -v ${name}`], { encoding: "utf8" }).trim();
  } catch {
    throw new Error(
      `${name} is not installed: run \`npm run setup:test-deps\` (scripts/setup-test-deps.sh installs Debian's ${pkg} package)`,
    );
  }
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function waitReady(url: string, child: ChildProcess, log: () => string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${url}: the process exited with ${child.exitCode}:\n${log()}`);
    try {
      const res = await fetch(url);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} did not become ready in ${timeoutMs} ms:\n${log()}`);
}

function spawnLogged(binary: string, args: string[]): { child: ChildProcess; log: () => string } {
  const child = spawn(binary, args, { stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  const keep = (b: Buffer) => {
    output = (output + b.toString()).slice(-4_000);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  return { child, log: () => output };
}

async function stop(child: ChildProcess, dir: string): Promise<void> {
  if (child.exitCode === null && child.pid !== undefined) {
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
    await exited;
    clearTimeout(timer);
  }
  rmSync(dir, { recursive: true, force: true });
}

export async function startVictoriaMetrics(): Promise<LocalDatabase & { flush(): Promise<void> }> {
  const binary = requireBinary("victoria-metrics", "victoria-metrics");
  const dir = mkdtempSync(join(tmpdir(), "fw-victoria-metrics-"));
  const port = await freePort();
  const { child, log } = spawnLogged(binary, [
    `-storageDataPath=${dir}`,
    `-httpListenAddr=127.0.0.1:${port}`,
    // Keep whatever the tests write (the default is one month).
    "-retentionPeriod=100y",
  ]);
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitReady(`${url}/health`, child, log);
  } catch (e) {
    await stop(child, dir);
    throw e;
  }
  return {
    url,
    v2Url: url,
    // Makes just-written samples visible to export at once (instead of within a second or so).
    flush: async () => {
      await fetch(`${url}/internal/force_flush`);
    },
    close: () => stop(child, dir),
  };
}

export async function startInfluxDb1(database: string): Promise<LocalDatabase> {
  const binary = requireBinary("influxd", "influxdb");
  const dir = mkdtempSync(join(tmpdir(), "fw-influxdb1-"));
  const [httpPort, rpcPort] = [await freePort(), await freePort()];
  const config = join(dir, "influxdb.conf");
  writeFileSync(
    config,
    [
      "reporting-enabled = false",
      `bind-address = "127.0.0.1:${rpcPort}"`,
      "[meta]",
      `  dir = "${join(dir, "meta")}"`,
      "[data]",
      `  dir = "${join(dir, "data")}"`,
      `  wal-dir = "${join(dir, "wal")}"`,
      "  query-log-enabled = false",
      "[http]",
      "  enabled = true",
      `  bind-address = "127.0.0.1:${httpPort}"`,
      "  log-enabled = false",
      "[monitor]",
      "  store-enabled = false",
      "[continuous_queries]",
      "  enabled = false",
      "",
    ].join("\n"),
  );
  const { child, log } = spawnLogged(binary, ["-config", config]);
  const url = `http://127.0.0.1:${httpPort}`;
  let forwarder: Server | undefined;
  try {
    await waitReady(`${url}/ping`, child, log);
    const created = await fetch(`${url}/query`, { method: "POST", body: new URLSearchParams({ q: `CREATE DATABASE "${database}"` }) });
    if (!created.ok) throw new Error(`CREATE DATABASE: ${created.status} ${await created.text()}`);
    forwarder = await startV2Forwarder(httpPort);
  } catch (e) {
    await stop(child, dir);
    throw e;
  }
  const { port } = forwarder.address() as AddressInfo;
  return {
    url,
    v2Url: `http://127.0.0.1:${port}`,
    close: async () => {
      await new Promise<void>((resolve) => {
        forwarder?.closeAllConnections();
        forwarder?.close(() => resolve());
      });
      await stop(child, dir);
    },
  };
}

/** /api/v2/write -> InfluxDB 1.x /write, as 1.8's compatibility endpoint maps it. */
async function startV2Forwarder(influxPort: number): Promise<Server> {
  const server = createServer((req, res) => {
    const incoming = new URL(req.url ?? "/", "http://localhost");
    if (req.method !== "POST" || incoming.pathname !== "/api/v2/write") {
      res.writeHead(404).end();
      return;
    }
    const [db, rp] = (incoming.searchParams.get("bucket") ?? "").split("/");
    const target = new URLSearchParams({ db: db ?? "", precision: incoming.searchParams.get("precision") ?? "ns" });
    if (rp) target.set("rp", rp);
    const headers: Record<string, string> = { "content-type": "text/plain; charset=utf-8" };
    if (req.headers["content-encoding"]) headers["content-encoding"] = String(req.headers["content-encoding"]);
    const upstream = request({ host: "127.0.0.1", port: influxPort, method: "POST", path: `/write?${target}`, headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on("error", () => res.writeHead(502).end());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return server;
}
