import { createHash, timingSafeEqual } from "node:crypto";

/**
 * Constant-time comparison of the presented token with the expected one. Both are hashed first
 * so the comparison takes the same time whatever their lengths (timingSafeEqual needs equal sizes).
 */
export function tokenMatches(presented: string | undefined, expected: string): boolean {
  if (!presented || expected.length === 0) return false;
  const a = createHash("sha256").update(presented, "utf8").digest();
  const b = createHash("sha256").update(expected, "utf8").digest();
  return timingSafeEqual(a, b);
}
