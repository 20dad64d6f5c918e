/**
 * The one way a handler reads its environment: a zod schema over the variables its construct
 * sets, checked once at cold start. A missing or malformed variable fails the first invocation
 * with an error naming the variable and what it must be, instead of a later call failing on
 * an empty string.
 */
import { z } from "zod";

export type Environment = Readonly<Record<string, string | undefined>>;

/** Parses `env` with `schema`; throws "<lambda> environment: VAR: problem; ..." on any problem. */
export function readEnvironment<S extends z.ZodType>(lambda: string, schema: S, env: Environment = process.env): z.output<S> {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join(".") || "(environment)"}: ${i.message}`);
    throw new Error(`${lambda} environment: ${problems.join("; ")}`);
  }
  return parsed.data;
}

/** A variable holding a JSON document that `schema` validates (settings a construct serialised at synth time). */
export function jsonVariable<S extends z.ZodType>(schema: S) {
  return z
    .string({ error: "not set (the construct writes it at synth time)" })
    .transform((text, ctx) => {
      try {
        return JSON.parse(text) as unknown;
      } catch {
        ctx.addIssue({ code: "custom", message: "not JSON" });
        return z.NEVER;
      }
    })
    .pipe(schema);
}
