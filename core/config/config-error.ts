/**
 * A configuration value synth cannot use. Its message names the field by its JSON path and says
 * what is allowed. Kept apart from the zod schema so that code which only throws it (the catalog,
 * bundled into Lambdas) does not pull the schema in.
 */
export class ConfigError extends Error {
  override name = "ConfigError";
}
