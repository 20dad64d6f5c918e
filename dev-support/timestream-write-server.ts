/**
 * A local Timestream Write (LiveAnalytics) server speaking the service's JSON 1.0 protocol
 * (X-Amz-Target: Timestream_20181101.<Operation>) on a random loopback port. It enforces what
 * the Developer Guide documents, so tests see the refusals the service would give:
 *
 * - ValidationException (400): no records or more than 100 per WriteRecords, malformed fields
 *   (unknown MeasureValueType/TimeUnit, non-numeric Time, MULTI without MeasureValues, ...).
 * - RejectedRecordsException (419) with RejectedRecords [{RecordIndex, Reason, ExistingVersion}]:
 *   reserved or illegal names (measure_name, measure_value, time; ts_ / measure_value prefixes;
 *   ':'), dimension names over 60 bytes, measure names over 256 bytes, records over 2 KB,
 *   more than 256 measures, empty dimension values, timestamps outside the memory store (unless
 *   magnetic store writes are on and the time is inside magnetic retention) or more than 15
 *   minutes in the future, and version conflicts: same dimensions, time and measure name with
 *   different values and a version not higher than the stored one. Records not listed are stored.
 * - ThrottlingException (429) and InternalServerException (500), injected by the test.
 * - ResourceNotFoundException (404) for an unknown database or table.
 *
 * Versions: absent = 1; equal values are accepted (the version moves up if higher); different
 * values with a higher version replace the stored ones.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export const LIMITS = {
  recordsPerRequest: 100,
  recordBytes: 2048,
  dimensionNameBytes: 60,
  measureNameBytes: 256,
  measuresPerRecord: 256,
  futureMs: 15 * 60_000,
} as const;

const RESERVED = new Set(["measure_name", "measure_value", "time"]);
const TYPES = new Set(["DOUBLE", "BIGINT", "VARCHAR", "BOOLEAN", "TIMESTAMP", "MULTI"]);
const UNITS: Record<string, number> = { MILLISECONDS: 1, SECONDS: 1000, MICROSECONDS: 1e-3, NANOSECONDS: 1e-6 };

export interface TableSettings {
  readonly memoryStoreHours: number;
  readonly magneticStoreDays: number;
  readonly magneticStoreWrites: boolean;
}

export interface StoredRecord {
  readonly table: string;
  readonly dimensions: Record<string, string>;
  readonly measureName: string;
  readonly timeMs: number;
  readonly values: Record<string, string>;
  version: number;
}

export interface TimestreamWriteServer {
  readonly endpoint: string;
  createDatabase(database: string): void;
  createTable(database: string, table: string, settings?: Partial<TableSettings>): void;
  /**
   * An account Timestream for LiveAnalytics is closed to (new accounts since 2025-06-20): every
   * call is refused with AccessDeniedException, HTTP 400 as the API reference lists it.
   */
  closedToAccount: boolean;
  /** Answers one request; lets a multi-service fake (the deploy preflight's) serve Timestream on its own port. */
  handle(req: IncomingMessage, res: ServerResponse, body: string): void;
  /** Every stored record of a table (one per dimensions + time + measure name). */
  records(database: string, table: string): StoredRecord[];
  /** Called before each WriteRecords; return an error name to fail the request with it. */
  inject: (requestNumber: number) => "ThrottlingException" | "InternalServerException" | undefined;
  /** Clock for the retention window checks. */
  now: () => number;
  readonly stats: {
    requests: number;
    writeRequests: number;
    throttled: number;
    internalErrors: number;
    recordsIngested: number;
    rejected: number;
    unchangedUpserts: number;
    versionUpdates: number;
  };
  close(): Promise<void>;
}

interface Dim {
  Name?: unknown;
  Value?: unknown;
  DimensionValueType?: unknown;
}
interface Measure {
  Name?: unknown;
  Value?: unknown;
  Type?: unknown;
}
interface RecordIn {
  Dimensions?: Dim[];
  MeasureName?: unknown;
  MeasureValue?: unknown;
  MeasureValueType?: unknown;
  MeasureValues?: Measure[];
  Time?: unknown;
  TimeUnit?: unknown;
  Version?: unknown;
}

class ValidationError extends Error {}

const bytes = (s: string) => Buffer.byteLength(s, "utf8");

function illegalName(name: string, what: string, maxBytes: number): string | undefined {
  if (name === "") return `${what} must not be empty`;
  if (RESERVED.has(name)) return `${what} '${name}' is a reserved name`;
  if (name.startsWith("ts_") || name.startsWith("measure_value")) return `${what} '${name}' uses a reserved prefix (ts_, measure_value)`;
  if (name.includes(":")) return `${what} '${name}' must not contain ':'`;
  if (bytes(name) > maxBytes) return `${what} '${name.slice(0, 40)}…' exceeds ${maxBytes} bytes`;
  return undefined;
}

function str(value: unknown, field: string): string {
  if (typeof value !== "string") throw new ValidationError(`${field} must be a string`);
  return value;
}

export async function startTimestreamWriteServer(): Promise<TimestreamWriteServer> {
  const tables = new Map<string, { settings: TableSettings; rows: Map<string, StoredRecord> }>();
  const databases = new Set<string>();
  const stats = {
    requests: 0,
    writeRequests: 0,
    throttled: 0,
    internalErrors: 0,
    recordsIngested: 0,
    rejected: 0,
    unchangedUpserts: 0,
    versionUpdates: 0,
  };

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => handle(req, res, Buffer.concat(chunks).toString("utf8")));
  });

  const api: TimestreamWriteServer = {
    endpoint: "",
    createDatabase(database) {
      databases.add(database);
    },
    closedToAccount: false,
    handle: (req, res, body) => handle(req, res, body),
    createTable(database, table, settings = {}) {
      databases.add(database);
      tables.set(`${database}/${table}`, {
        settings: { memoryStoreHours: 24, magneticStoreDays: 365, magneticStoreWrites: true, ...settings },
        rows: new Map(),
      });
    },
    records(database, table) {
      return [...(tables.get(`${database}/${table}`)?.rows.values() ?? [])];
    },
    inject: () => undefined,
    now: () => Date.now(),
    stats,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };

  function send(res: ServerResponse, status: number, body: unknown, errorType?: string) {
    const text = JSON.stringify(errorType ? { __type: `com.amazonaws.timestream.v20181101#${errorType}`, ...(body as object) } : body);
    res.writeHead(status, {
      "content-type": "application/x-amz-json-1.0",
      "content-length": Buffer.byteLength(text),
      "x-amzn-requestid": `local-${stats.requests}`,
      ...(errorType ? { "x-amzn-errortype": errorType } : {}),
    });
    res.end(text);
  }

  function handle(req: IncomingMessage, res: ServerResponse, raw: string) {
    stats.requests++;
    const target = String(req.headers["x-amz-target"] ?? "");
    const [prefix, operation] = target.split(".");
    if (prefix !== "Timestream_20181101" || req.method !== "POST") {
      return send(res, 400, { Message: `unknown target ${target}` }, "UnknownOperationException");
    }
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(raw || "{}");
    } catch {
      return send(res, 400, { Message: "request body is not JSON" }, "SerializationException");
    }
    // https://docs.aws.amazon.com/timestream/latest/APIReference/API_DescribeDatabase.html ("Errors": AccessDeniedException, HTTP 400).
    if (api.closedToAccount) return send(res, 400, { Message: "You are not authorized to perform this action" }, "AccessDeniedException");
    if (operation === "DescribeEndpoints") {
      return send(res, 200, { Endpoints: [{ Address: api.endpoint.replace(/^https?:\/\//, ""), CachePeriodInMinutes: 1440 }] });
    }
    // https://docs.aws.amazon.com/timestream/latest/APIReference/API_ListDatabases.html: Databases[{Arn, DatabaseName, TableCount, ...}].
    if (operation === "ListDatabases") {
      return send(res, 200, {
        Databases: [...databases].sort().map((name) => ({
          Arn: `arn:aws:timestream:eu-west-1:111111111111:database/${name}`,
          DatabaseName: name,
          TableCount: [...tables.keys()].filter((k) => k.startsWith(`${name}/`)).length,
        })),
      });
    }
    if (operation !== "WriteRecords")
      return send(res, 400, { Message: `operation ${operation} not supported here` }, "UnknownOperationException");
    stats.writeRequests++;
    const injected = api.inject(stats.writeRequests);
    if (injected === "ThrottlingException") {
      stats.throttled++;
      return send(res, 429, { Message: "Rate exceeded" }, "ThrottlingException");
    }
    if (injected === "InternalServerException") {
      stats.internalErrors++;
      return send(res, 500, { Message: "Internal server error" }, "InternalServerException");
    }
    try {
      writeRecords(res, body);
    } catch (error) {
      if (error instanceof ValidationError) return send(res, 400, { Message: error.message }, "ValidationException");
      throw error;
    }
  }

  function writeRecords(res: ServerResponse, body: Record<string, unknown>) {
    const database = str(body.DatabaseName, "DatabaseName");
    const tableName = str(body.TableName, "TableName");
    const records = body.Records;
    if (!Array.isArray(records) || records.length < 1 || records.length > LIMITS.recordsPerRequest) {
      throw new ValidationError(`Records must hold between 1 and ${LIMITS.recordsPerRequest} records`);
    }
    if (!databases.has(database)) return send(res, 404, { Message: `database ${database} does not exist` }, "ResourceNotFoundException");
    const found = tables.get(`${database}/${tableName}`);
    if (!found) return send(res, 404, { Message: `table ${tableName} does not exist` }, "ResourceNotFoundException");
    const table = found;
    const common = (body.CommonAttributes ?? {}) as RecordIn;

    // Validate the request's shape first: a malformed request stores nothing.
    const merged = (records as RecordIn[]).map((r, i) => {
      const m: RecordIn = {
        ...common,
        ...r,
        Dimensions: [...(common.Dimensions ?? []), ...(r.Dimensions ?? [])],
      };
      const type = m.MeasureValueType === undefined ? undefined : str(m.MeasureValueType, `Records[${i}].MeasureValueType`);
      if (type !== undefined && !TYPES.has(type)) throw new ValidationError(`Records[${i}].MeasureValueType '${type}' is not valid`);
      if (m.TimeUnit !== undefined && !(str(m.TimeUnit, "TimeUnit") in UNITS))
        throw new ValidationError(`TimeUnit '${String(m.TimeUnit)}' is not valid`);
      if (typeof m.Time !== "string" || !/^\d+$/.test(m.Time)) throw new ValidationError(`Records[${i}].Time must be a string of digits`);
      if (typeof m.MeasureName !== "string") throw new ValidationError(`Records[${i}].MeasureName is required`);
      if (type === "MULTI" && (!Array.isArray(m.MeasureValues) || m.MeasureValue !== undefined)) {
        throw new ValidationError(`Records[${i}]: MULTI records carry MeasureValues and no MeasureValue`);
      }
      if (type !== "MULTI" && m.MeasureValues !== undefined)
        throw new ValidationError(`Records[${i}]: MeasureValues require MeasureValueType MULTI`);
      if (m.Version !== undefined && (typeof m.Version !== "number" || !Number.isInteger(m.Version))) {
        throw new ValidationError(`Records[${i}].Version must be a 64-bit integer`);
      }
      for (const d of m.Dimensions ?? []) {
        str(d.Name, `Records[${i}].Dimensions.Name`);
        str(d.Value, `Records[${i}].Dimensions.Value`);
      }
      for (const v of m.MeasureValues ?? []) {
        str(v.Name, `Records[${i}].MeasureValues.Name`);
        str(v.Value, `Records[${i}].MeasureValues.Value`);
        if (!TYPES.has(str(v.Type, `Records[${i}].MeasureValues.Type`)) || v.Type === "MULTI") {
          throw new ValidationError(`Records[${i}].MeasureValues.Type '${String(v.Type)}' is not valid`);
        }
      }
      return { record: m, type: type ?? "DOUBLE" };
    });

    const rejected: Array<{ RecordIndex: number; Reason: string; ExistingVersion?: number }> = [];
    let ingested = 0;
    let magnetic = 0;
    const now = api.now();
    for (const [index, { record: m, type }] of merged.entries()) {
      const stored = storeRecord(m, type, index);
      if (stored === "ingested" || stored === "magnetic") ingested++;
      if (stored === "magnetic") magnetic++;
    }
    function storeRecord(m: RecordIn, type: string, index: number): "ingested" | "magnetic" | "rejected" {
      const reject = (Reason: string, ExistingVersion?: number) => {
        rejected.push({ RecordIndex: index, Reason, ...(ExistingVersion === undefined ? {} : { ExistingVersion }) });
        return "rejected" as const;
      };
      const dims = m.Dimensions as Array<{ Name: string; Value: string }>;
      const measures =
        type === "MULTI"
          ? (m.MeasureValues as Array<{ Name: string; Value: string; Type: string }>)
          : [{ Name: m.MeasureName as string, Value: str(m.MeasureValue, `Records[${index}].MeasureValue`), Type: type }];
      const measureName = m.MeasureName as string;
      const problems = [
        ...dims.map(
          (d) =>
            illegalName(d.Name, "Dimension name", LIMITS.dimensionNameBytes) ??
            (d.Value === "" ? `Dimension '${d.Name}' has an empty value` : undefined),
        ),
        illegalName(measureName, "Measure name", LIMITS.measureNameBytes),
        ...(type === "MULTI" ? measures.map((v) => illegalName(v.Name, "Measure value name", LIMITS.measureNameBytes)) : []),
      ].filter((p): p is string => p !== undefined);
      if (new Set(dims.map((d) => d.Name)).size !== dims.length) problems.push("Duplicate dimension names in the record");
      if (type === "MULTI" && measures.length === 0) problems.push("A MULTI record needs at least one measure value");
      if (measures.length > LIMITS.measuresPerRecord) problems.push(`More than ${LIMITS.measuresPerRecord} measures in one record`);
      for (const v of measures) {
        if ((v.Type === "DOUBLE" && !Number.isFinite(Number(v.Value))) || (v.Type === "BIGINT" && !/^-?\d+$/.test(v.Value))) {
          problems.push(`Measure '${v.Name}' value '${v.Value}' is not a valid ${v.Type}`);
        }
        if (v.Type === "BOOLEAN" && !/^(true|false)$/i.test(v.Value))
          problems.push(`Measure '${v.Name}' value '${v.Value}' is not a valid BOOLEAN`);
      }
      if (problems.length > 0) return reject(problems[0] as string);
      const size =
        16 +
        dims.reduce((n, d) => n + bytes(d.Name) + bytes(d.Value), 0) +
        bytes(measureName) +
        measures.reduce((n, v) => n + bytes(v.Name) + bytes(v.Value), 0);
      if (size > LIMITS.recordBytes) return reject(`Record size ${size} bytes exceeds the ${LIMITS.recordBytes}-byte limit`);

      const timeMs = Number(m.Time) * (UNITS[(m.TimeUnit as string) ?? "MILLISECONDS"] as number);
      const memoryFrom = now - table.settings.memoryStoreHours * 3_600_000;
      const magneticFrom = now - table.settings.magneticStoreDays * 86_400_000;
      if (timeMs > now + LIMITS.futureMs) return reject("The record timestamp is more than 15 minutes in the future");
      const toMagnetic = timeMs < memoryFrom;
      if (toMagnetic && (!table.settings.magneticStoreWrites || timeMs < magneticFrom)) {
        return reject(
          `The record timestamp is outside the time range [${new Date(table.settings.magneticStoreWrites ? magneticFrom : memoryFrom).toISOString()}, ${new Date(now + LIMITS.futureMs).toISOString()}) of the ${table.settings.magneticStoreWrites ? "magnetic" : "memory"} store`,
        );
      }
      const version = (m.Version as number | undefined) ?? 1;
      const sortedDims = [...dims].sort((a, b) => (a.Name < b.Name ? -1 : 1));
      const key = `${sortedDims.map((d) => `${d.Name}=${d.Value}`).join("\u0001")}\u0000${measureName}\u0000${timeMs}`;
      const values = Object.fromEntries(measures.map((v) => [v.Name, `${v.Type}:${v.Value}`]));
      const existing = table.rows.get(key);
      if (existing) {
        const same = JSON.stringify(existing.values) === JSON.stringify(values);
        if (same) {
          if (version > existing.version) existing.version = version;
          stats.unchangedUpserts++;
        } else if (version > existing.version) {
          table.rows.set(key, { ...existing, values, version });
          stats.versionUpdates++;
        } else {
          return reject(
            "A record with the same dimensions, timestamp and measure name exists with different measure values and a version equal to or higher than this record's",
            existing.version,
          );
        }
      } else {
        table.rows.set(key, {
          table: `${database}/${tableName}`,
          dimensions: Object.fromEntries(sortedDims.map((d) => [d.Name, d.Value])),
          measureName,
          timeMs,
          values,
          version,
        });
      }
      return toMagnetic ? "magnetic" : "ingested";
    }
    stats.recordsIngested += ingested;
    stats.rejected += rejected.length;
    if (rejected.length > 0) {
      return send(res, 419, { Message: `${rejected.length} records were rejected`, RejectedRecords: rejected }, "RejectedRecordsException");
    }
    send(res, 200, { RecordsIngested: { Total: ingested, MemoryStore: ingested - magnetic, MagneticStore: magnetic } });
  }

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  (api as { endpoint: string }).endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return api;
}
