/**
 * The OAuth scope for an Azure audience: "<audience>/.default". The Azure SDKs append
 * "/.default" only to their built-in default audience, so sovereign clouds and local test
 * servers pass the scope explicitly.
 */
export function defaultScope(audience: string): string {
  return `${audience.replace(/\/$/, "")}/.default`;
}
