/**
 * CRC-32C (Castagnoli, reflected polynomial `0x82F63B78`), table-driven: the checksum
 * the link-integrity option puts on every message (iSCSI, SCTP and ext4 use it for the
 * same job). It turns a tampered message into a lost one; it authenticates nothing.
 *
 * @module
 */

import { crcOf, crcTables } from "../storage/crc32.ts";

const TABLES: Uint32Array = crcTables(0x82f63b78);

/**
 * The CRC-32C of `bytes[start..end)`, as an unsigned 32-bit number.
 *
 * @example
 * ```ts
 * import { crc32c } from "./crc32c.ts";
 * crc32c(new TextEncoder().encode("123456789")); // 0xe3069283
 * ```
 */
export function crc32c(bytes: Uint8Array, start = 0, end: number = bytes.length): number {
  return crcOf(TABLES, bytes, start, end);
}
