export async function handler(event: unknown): Promise<{ received: unknown }> {
  return { received: event };
}
