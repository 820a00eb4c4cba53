/**
 * Parsing of the HTTP `Retry-After` header (RFC 9110 §10.2.3) into a delay in
 * milliseconds, so that a server's "come back later" reaches the retry policy as an
 * error's `retryAfterMs`.
 *
 * The header is either a number of seconds or an HTTP-date; dates are parsed here by hand
 * (IMF-fixdate and the two obsolete forms RFC 9110 requires recipients to accept) so that
 * this folder stays free of host clocks: the caller passes the current epoch time.
 *
 * @module
 */

const MONTHS: Readonly<Record<string, number>> = {
  Jan: 1,
  Feb: 2,
  Mar: 3,
  Apr: 4,
  May: 5,
  Jun: 6,
  Jul: 7,
  Aug: 8,
  Sep: 9,
  Oct: 10,
  Nov: 11,
  Dec: 12,
};

// Sun, 06 Nov 1994 08:49:37 GMT
const IMF = /^[A-Z][a-z]{2}, (\d{2}) ([A-Z][a-z]{2}) (\d{4}) (\d{2}):(\d{2}):(\d{2}) GMT$/;
// Sunday, 06-Nov-94 08:49:37 GMT
const RFC850 = /^[A-Z][a-z]+, (\d{2})-([A-Z][a-z]{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2}) GMT$/;
// Sun Nov  6 08:49:37 1994
const ASCTIME = /^[A-Z][a-z]{2} ([A-Z][a-z]{2}) ([ \d]\d) (\d{2}):(\d{2}):(\d{2}) (\d{4})$/;

/** Days since 1970-01-01 of a proleptic Gregorian civil day (Hinnant's algorithm). */
function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

function epochMs(
  year: number,
  month: string,
  day: number,
  h: number,
  min: number,
  s: number,
): number | undefined {
  const m = MONTHS[month];
  if (m === undefined || day < 1 || day > 31 || h > 23 || min > 59 || s > 60) return undefined;
  return ((daysFromCivil(year, m, day) * 24 + h) * 60 + min) * 60_000 + s * 1000;
}

/**
 * The epoch milliseconds of an HTTP-date, or `undefined` if it is not one.
 *
 * @example
 * ```ts
 * import { parseHttpDate } from "./retry_after.ts";
 * parseHttpDate("Thu, 01 Jan 1970 00:01:00 GMT"); // 60000
 * ```
 */
export function parseHttpDate(value: string): number | undefined {
  let g = IMF.exec(value);
  if (g) return epochMs(+g[3], g[2], +g[1], +g[4], +g[5], +g[6]);
  g = RFC850.exec(value);
  if (g) {
    // RFC 9110: a two-digit year more than 50 years in the future means the past century;
    // without a current year we take 70–99 as 19xx and 00–69 as 20xx, as most parsers do.
    const yy = +g[3];
    return epochMs(yy >= 70 ? 1900 + yy : 2000 + yy, g[2], +g[1], +g[4], +g[5], +g[6]);
  }
  g = ASCTIME.exec(value);
  if (g) return epochMs(+g[6], g[1], +g[2].trim(), +g[3], +g[4], +g[5]);
  return undefined;
}

/**
 * The delay in milliseconds a `Retry-After` header asks for, never negative, or
 * `undefined` if the header is missing or malformed. `nowEpochMs` is the current wall
 * time in milliseconds since 1970, needed only for the HTTP-date form.
 *
 * @example
 * ```ts
 * import { parseRetryAfter } from "./retry_after.ts";
 * parseRetryAfter("120", 0); // 120000
 * parseRetryAfter("Thu, 01 Jan 1970 00:00:10 GMT", 4000); // 6000
 * parseRetryAfter("soon", 0); // undefined
 * ```
 */
export function parseRetryAfter(
  header: string | null | undefined,
  nowEpochMs: number,
): number | undefined {
  if (header === null || header === undefined) return undefined;
  const value = header.trim();
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  const at = parseHttpDate(value);
  return at === undefined ? undefined : Math.max(0, at - nowEpochMs);
}
