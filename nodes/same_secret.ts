/**
 * Compares a presented secret (a Bearer token) with the expected one in time that does not
 * depend on where they first differ, so timing cannot reveal the token's prefix.
 *
 * @module
 */

/**
 * Whether `a` and `b` are the same string, comparing every byte whatever matches.
 *
 * @example
 * ```ts
 * import { sameSecret } from "./same_secret.ts";
 * sameSecret("s3cret-token", "s3cret-token"); // true
 * sameSecret("s3cret-token", "s3cret-tokeN"); // false
 * ```
 */
export function sameSecret(a: string, b: string): boolean {
  const x = new TextEncoder().encode(a);
  const y = new TextEncoder().encode(b);
  let diff = x.length ^ y.length;
  for (let i = 0; i < Math.max(x.length, y.length); i++) diff |= (x[i] ?? 0) ^ (y[i] ?? 0);
  return diff === 0;
}
