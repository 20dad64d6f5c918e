/**
 * TelemetrySink on Timestream for LiveAnalytics (adapter: the only file that talks to it).
 *
 * - At most 100 records per WriteRecords (buildWriteRequests), a few requests in flight.
 * - RejectedRecordsException: the listed records are data errors (returned as rejections with
 *   the service's reason); the request's other records were stored.
 * - ValidationException on a request: split it until the offending record is alone, so one bad
 *   record does not take 99 good ones to the dead-letter queue.
 * - ThrottlingException, InternalServerException, 5xx, network: retried here with backoff;
 *   when the attempts run out the points fail and Kinesis retries their records.
 */
import { TimestreamWriteClient, WriteRecordsCommand, type WriteRecordsCommandInput } from "@aws-sdk/client-timestream-write";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import { mapBounded } from "../shared/bounded";
import { buildWriteRequests, type SinkPoint, type TableKey, type WriteRequest } from "./records";
import { mergeResults, type SinkRejection, type SinkResult, type TelemetrySink } from "./sink";

export interface RetryPolicy {
  readonly maxAttempts: number;
  /** Delay before retry number `attempt` (1-based). */
  readonly delayMs: (attempt: number) => number;
}

/** Full-jitter exponential backoff, 50 ms base, 2 s cap: 5 attempts fit in a few seconds. */
const DEFAULT_RETRY: RetryPolicy = {
  maxAttempts: 5,
  delayMs: (attempt) => Math.random() * Math.min(2_000, 50 * 2 ** attempt),
};

export interface TimestreamSinkOptions {
  readonly client: TimestreamWriteClient;
  readonly database: string;
  readonly tables: Readonly<Record<TableKey, string>>;
  /** WriteRecords requests in flight at once. */
  readonly concurrency?: number;
  readonly retry?: RetryPolicy;
}

interface AwsError {
  name?: string;
  message?: string;
  $retryable?: unknown;
  $metadata?: { httpStatusCode?: number };
  RejectedRecords?: Array<{ RecordIndex?: number; Reason?: string; ExistingVersion?: number }>;
}

const TRANSIENT = new Set(["ThrottlingException", "InternalServerException", "ServiceUnavailableException", "RequestTimeout"]);

function isTransient(error: AwsError): boolean {
  if (error.name && TRANSIENT.has(error.name)) return true;
  if (error.$retryable) return true;
  const status = error.$metadata?.httpStatusCode;
  if (status !== undefined) return status >= 500 || status === 429;
  // No HTTP status at all: the request never got an answer (reset, timeout, DNS).
  return true;
}

/**
 * A client for the sink. Retries are ours (see RetryPolicy), so the SDK makes one attempt.
 * With an explicit `endpoint` the SDK skips Timestream's endpoint discovery (DescribeEndpoints);
 * without one it discovers the cell endpoint as the service requires.
 */
export function timestreamClient(
  options: { region?: string; endpoint?: string; credentials?: { accessKeyId: string; secretAccessKey: string } } = {},
) {
  return new TimestreamWriteClient({
    ...options,
    maxAttempts: 1,
    requestHandler: new NodeHttpHandler({ connectionTimeout: 3_000, requestTimeout: 10_000 }),
  });
}

export class TimestreamSink implements TelemetrySink {
  private readonly concurrency: number;
  private readonly retry: RetryPolicy;
  /** WriteRecords calls made, for the benchmark and tests. */
  requests = 0;

  constructor(private readonly options: TimestreamSinkOptions) {
    this.concurrency = options.concurrency ?? 8;
    this.retry = options.retry ?? DEFAULT_RETRY;
  }

  async write(points: readonly SinkPoint[]): Promise<SinkResult> {
    const results = await mapBounded(buildWriteRequests(points), this.concurrency, (request) => this.sendIsolating(request));
    return mergeResults(results);
  }

  private async sendIsolating(request: WriteRequest): Promise<SinkResult> {
    const outcome = await this.send(request);
    if (outcome.kind !== "invalid") return outcome.result;
    if (request.Records.length === 1) {
      return { written: 0, rejected: [{ point: request.points[0] as SinkPoint, reason: outcome.reason }], failed: [] };
    }
    const half = Math.ceil(request.Records.length / 2);
    const [a, b] = [
      { ...request, Records: request.Records.slice(0, half), points: request.points.slice(0, half) },
      { ...request, Records: request.Records.slice(half), points: request.points.slice(half) },
    ];
    const [ra, rb] = [await this.sendIsolating(a), await this.sendIsolating(b)];
    return { written: ra.written + rb.written, rejected: [...ra.rejected, ...rb.rejected], failed: [...ra.failed, ...rb.failed] };
  }

  private async send(request: WriteRequest): Promise<{ kind: "done"; result: SinkResult } | { kind: "invalid"; reason: string }> {
    const input: WriteRecordsCommandInput = {
      DatabaseName: this.options.database,
      TableName: this.options.tables[request.table],
      CommonAttributes: request.CommonAttributes as WriteRecordsCommandInput["CommonAttributes"],
      Records: request.Records as WriteRecordsCommandInput["Records"],
    };
    let lastError = "";
    for (let attempt = 1; attempt <= this.retry.maxAttempts; attempt++) {
      try {
        this.requests++;
        await this.options.client.send(new WriteRecordsCommand(input));
        return { kind: "done", result: { written: request.Records.length, rejected: [], failed: [] } };
      } catch (caught) {
        const error = caught as AwsError;
        if (error.name === "RejectedRecordsException") {
          const rejected: SinkRejection[] = [];
          const indexes = new Set<number>();
          for (const r of error.RejectedRecords ?? []) {
            const point = request.points[r.RecordIndex ?? -1];
            if (!point) continue;
            indexes.add(r.RecordIndex as number);
            rejected.push({
              point,
              reason: r.Reason ?? "rejected",
              ...(r.ExistingVersion === undefined ? {} : { existingVersion: Number(r.ExistingVersion) }),
            });
          }
          return { kind: "done", result: { written: request.Records.length - indexes.size, rejected, failed: [] } };
        }
        if (error.name === "ValidationException") return { kind: "invalid", reason: `ValidationException: ${error.message ?? ""}` };
        lastError = `${error.name ?? "Error"}: ${error.message ?? ""}`;
        if (!isTransient(error) || attempt === this.retry.maxAttempts) break;
        const delay = this.retry.delayMs(attempt);
        if (delay > 0) await new Promise((r) => setTimeout(r, delay));
      }
    }
    return { kind: "done", result: { written: 0, rejected: [], failed: request.points.map((point) => ({ point, error: lastError })) } };
  }
}
