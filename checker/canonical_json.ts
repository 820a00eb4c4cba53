/**
 * Canonical JSON text of a value: object keys sorted, so equal JSON values give equal
 * text. Used to identify states and values (hashing, value-to-writer maps).
 *
 * @module
 */

/**
 * Canonical JSON of `value`. Unlike `JSON.stringify` it keeps `undefined`, `NaN` and
 * the infinities distinct from `null` (`"undefined"`, `"NaN"`, …), so two values get the
 * same text only if they are equal JSON values.
 *
 * @example
 * ```ts
 * import { canonicalJson } from "./canonical_json.ts";
 * canonicalJson({ b: 1, a: [2, null] }); // '{"a":[2,null],"b":1}'
 * ```
 */
export function canonicalJson(value: unknown): string {
  switch (typeof value) {
    case "string":
      return JSON.stringify(value);
    case "number":
      return String(value); // NaN and the infinities stay distinct from null
    case "boolean":
      return value ? "true" : "false";
    case "undefined":
      return "undefined";
    case "bigint":
      return `${value}n`;
    case "object": {
      if (value === null) return "null";
      if (Array.isArray(value)) return "[" + value.map(canonicalJson).join(",") + "]";
      const o = value as Record<string, unknown>;
      const keys = Object.keys(o).sort();
      let out = "{";
      for (let i = 0; i < keys.length; i++) {
        if (i > 0) out += ",";
        out += JSON.stringify(keys[i]) + ":" + canonicalJson(o[keys[i]]);
      }
      return out + "}";
    }
    default:
      return String(value);
  }
}
