/**
 * Kinesis throttling injected into a real SDK client (middleware, before serialisation):
 * - PutRecords: chosen entries are withheld from the request and reported back at their index
 *   as ProvisionedThroughputExceededException, exactly like a partially throttled call.
 * - GetRecords: chosen calls fail with ProvisionedThroughputExceededException.
 */
import {
  type KinesisClient,
  ProvisionedThroughputExceededException,
  type PutRecordsCommandInput,
  type PutRecordsCommandOutput,
  type PutRecordsResultEntry,
} from "@aws-sdk/client-kinesis";

export interface KinesisChaos {
  putEntriesThrottled: number;
  getRecordsThrottled: number;
}

export function injectKinesisThrottling(
  client: KinesisClient,
  chance: { putEntry: number; getRecords: number },
  random: () => number,
): KinesisChaos {
  const counts: KinesisChaos = { putEntriesThrottled: 0, getRecordsThrottled: 0 };
  client.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName === "GetRecordsCommand" && random() < chance.getRecords) {
        counts.getRecordsThrottled++;
        throw new ProvisionedThroughputExceededException({
          message: "Rate exceeded for shard (injected)",
          $metadata: { httpStatusCode: 400 },
        });
      }
      if (context.commandName !== "PutRecordsCommand") return next(args);
      const input = args.input as PutRecordsCommandInput;
      const all = input.Records ?? [];
      const throttled = all.map(() => random() < chance.putEntry);
      const kept = all.filter((_, i) => !throttled[i]);
      counts.putEntriesThrottled += all.length - kept.length;
      const denied: PutRecordsResultEntry = {
        ErrorCode: "ProvisionedThroughputExceededException",
        ErrorMessage: "Rate exceeded for shard (injected)",
      };
      if (kept.length === 0) {
        const output: PutRecordsCommandOutput = { FailedRecordCount: all.length, Records: all.map(() => denied), $metadata: {} };
        return { output, response: {} } as Awaited<ReturnType<typeof next>>;
      }
      const result = await next({ ...args, input: { ...input, Records: kept } });
      const out = result.output as PutRecordsCommandOutput;
      const real = [...(out.Records ?? [])];
      const merged = all.map((_, i) => (throttled[i] ? denied : (real.shift() as PutRecordsResultEntry)));
      return {
        ...result,
        output: { ...out, Records: merged, FailedRecordCount: (out.FailedRecordCount ?? 0) + (all.length - kept.length) },
      };
    },
    { step: "initialize", name: "fleetwatchInjectKinesisThrottling" },
  );
  return counts;
}
