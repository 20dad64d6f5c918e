/**
 * The sink for the configured store (TELEMETRY_STORE), built once per container. The InfluxDB
 * write token is read from Secrets Manager here and only handed to the client; a token secret
 * still holding the stack's placeholder fails the cold start with what to do.
 */
import { getSecret } from "@aws-lambda-powertools/parameters/secrets";
import { InfluxSink } from "./influx-sink";
import { NoStoreSink } from "./no-store-sink";
import type { Settings } from "./settings";
import type { TelemetrySink } from "./sink";
import { TimestreamSink, timestreamClient } from "./timestream-sink";

/** Kept equal to lib/telemetry/influxdb-store.ts's WRITE_TOKEN_PLACEHOLDER (a test checks). */
export const WRITE_TOKEN_PLACEHOLDER = "REPLACE-WITH-AN-INFLUXDB-WRITE-TOKEN";

export function influxToken(secretName: string, value: unknown): string {
  const token = typeof value === "string" ? value.trim() : "";
  if (token === "" || token === WRITE_TOKEN_PLACEHOLDER) {
    throw new Error(
      `secret ${secretName} holds no InfluxDB write token yet: create one with write permission on the bucket and store it there (docs/telemetry.md, "Write token")`,
    );
  }
  return token;
}

export async function createSink(
  settings: Settings,
  readSecret: (name: string) => Promise<unknown> = (n) => getSecret(n),
): Promise<TelemetrySink> {
  switch (settings.TELEMETRY_STORE) {
    case "none":
      return new NoStoreSink();
    case "influxdb": {
      const secret = settings.INFLUX_TOKEN_SECRET as string;
      return new InfluxSink({
        url: settings.INFLUX_URL as string,
        org: settings.INFLUX_ORG as string,
        bucket: settings.INFLUX_BUCKET as string,
        token: influxToken(secret, await readSecret(secret)),
        concurrency: settings.INFLUX_WRITE_CONCURRENCY,
      });
    }
    case "timestream-liveanalytics":
      return new TimestreamSink({
        client: timestreamClient(settings.TIMESTREAM_ENDPOINT ? { endpoint: settings.TIMESTREAM_ENDPOINT } : {}),
        database: settings.TIMESTREAM_DATABASE as string,
        tables: { components: settings.TIMESTREAM_TABLE_COMPONENTS as string, snapshots: settings.TIMESTREAM_TABLE_SNAPSHOTS as string },
        concurrency: settings.TIMESTREAM_WRITE_CONCURRENCY,
      });
  }
}
