/**
 * kinesalite (a real Kinesis API emulator) started in-process on a random loopback port, and
 * a Kinesis SDK client wired to it. The SDK's default HTTP/2-capable handler does not talk
 * to kinesalite; NodeHttpHandler (HTTP/1.1) does.
 */

import type { Server } from "node:http";
import { createRequire } from "node:module";
import type { AddressInfo } from "node:net";
import { CreateStreamCommand, DescribeStreamSummaryCommand, KinesisClient } from "@aws-sdk/client-kinesis";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import { LOCAL_AWS } from "./local-aws";

const require = createRequire(import.meta.url);

export interface Kinesalite {
  readonly endpoint: string;
  /** A fresh client per call so tests can add their own middleware. */
  client(options?: { maxAttempts?: number }): KinesisClient;
  createStream(name: string, shards: number): Promise<string>;
  close(): Promise<void>;
}

export async function startKinesalite(): Promise<Kinesalite> {
  const kinesalite = require("kinesalite") as (options: Record<string, unknown>) => Server;
  // createStreamMs 0: streams become ACTIVE at once; tests must not wait on wall-clock time.
  const server = kinesalite({ createStreamMs: 0, deleteStreamMs: 0, updateStreamMs: 0, shardLimit: 50 });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const endpoint = `http://127.0.0.1:${port}`;
  const client = (options: { maxAttempts?: number } = {}) =>
    new KinesisClient({
      endpoint,
      ...LOCAL_AWS,
      requestHandler: new NodeHttpHandler({ connectionTimeout: 2_000, requestTimeout: 30_000 }),
      maxAttempts: options.maxAttempts ?? 3,
    });
  return {
    endpoint,
    client,
    async createStream(name, shards) {
      const c = client();
      await c.send(new CreateStreamCommand({ StreamName: name, ShardCount: shards }));
      for (let i = 0; i < 100; i++) {
        const summary = await c.send(new DescribeStreamSummaryCommand({ StreamName: name }));
        if (summary.StreamDescriptionSummary?.StreamStatus === "ACTIVE") return summary.StreamDescriptionSummary.StreamARN ?? name;
        await new Promise((r) => setTimeout(r, 10));
      }
      throw new Error(`stream ${name} did not become ACTIVE`);
    },
    close: () => new Promise<void>((resolve, reject) => server.close((err?: Error) => (err ? reject(err) : resolve()))),
  };
}
