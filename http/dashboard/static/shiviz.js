// @ts-check
/**
 * The page's ShiViz export (https://bestchai.bitbucket.io/shiviz/) is `toShiViz` of
 * `nodes/trace.ts` itself, bundled into the page: no copy to keep in step.
 *
 * @module
 */

export { SHIVIZ_REGEX, toShiViz as toShiVizLog } from "../../../nodes/trace.ts";
