import type { Catalogue } from "../../i18n/catalogue.ts";
/** x */
export const JA: Catalogue = {};
