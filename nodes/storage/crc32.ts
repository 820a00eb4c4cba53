/**
 * CRC-32 (IEEE 802.3, reflected polynomial `0xEDB88320`), table-driven.
 *
 * It is the checksum that frames every record of the file store's log: cheap
 * enough for the write path, and it catches torn and bit-flipped records.
 *
 * @module
 */

/**
 * Eight 256-entry tables ("slicing-by-8") for a reflected polynomial: table 0 is the CRC
 * of each byte value, table k advances table k-1 by one more zero byte. Eight bytes per
 * step instead of one makes the write path's checksum about three times cheaper.
 *
 * @example
 * ```ts
 * import { crcTables } from "./crc32.ts";
 * crcTables(0x82f63b78).length; // 2048 (CRC-32C's)
 * ```
 */
export function crcTables(polynomial: number): Uint32Array {
  const t = new Uint32Array(256 * 8);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? polynomial ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  for (let n = 0; n < 256; n++) {
    for (let k = 1; k < 8; k++) {
      const prev = t[(k - 1) * 256 + n];
      t[k * 256 + n] = (prev >>> 8) ^ t[prev & 0xff];
    }
  }
  return t;
}

/**
 * The CRC of `bytes[start, end)` with {@link crcTables} `t`.
 *
 * @example
 * ```ts
 * import { crcOf, crcTables } from "./crc32.ts";
 * crcOf(crcTables(0xedb88320), new TextEncoder().encode("123456789")); // 0xcbf43926
 * ```
 */
export function crcOf(
  t: Uint32Array,
  bytes: Uint8Array,
  start = 0,
  end: number = bytes.length,
): number {
  let c = 0xffffffff;
  let i = start;
  for (; i + 8 <= end; i += 8) {
    const lo = c ^ (bytes[i] | (bytes[i + 1] << 8) | (bytes[i + 2] << 16) | (bytes[i + 3] << 24));
    const hi = bytes[i + 4] | (bytes[i + 5] << 8) | (bytes[i + 6] << 16) | (bytes[i + 7] << 24);
    c = t[1792 + (lo & 0xff)] ^ t[1536 + ((lo >>> 8) & 0xff)] ^
      t[1280 + ((lo >>> 16) & 0xff)] ^ t[1024 + (lo >>> 24)] ^
      t[768 + (hi & 0xff)] ^ t[512 + ((hi >>> 8) & 0xff)] ^
      t[256 + ((hi >>> 16) & 0xff)] ^ t[hi >>> 24];
  }
  for (; i < end; i++) c = t[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

const TABLES: Uint32Array = crcTables(0xedb88320);

/**
 * The CRC-32 of `bytes[start..end)`, as an unsigned 32-bit number. Taking a range
 * (rather than a subarray) keeps the write path free of allocations.
 *
 * @example
 * ```ts
 * import { crc32 } from "./crc32.ts";
 * const bytes = new TextEncoder().encode("123456789");
 * crc32(bytes); // 0xcbf43926
 * crc32(bytes, 0, 0); // 0 (empty range)
 * ```
 */
export function crc32(bytes: Uint8Array, start = 0, end: number = bytes.length): number {
  return crcOf(TABLES, bytes, start, end);
}
