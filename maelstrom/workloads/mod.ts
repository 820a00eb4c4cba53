/**
 * The workloads by name, made fresh for each run (some keep per-run state).
 *
 * @module
 */

import type { TestOptions } from "../args.ts";
import type { Workload } from "../workload.ts";
import { broadcastWorkload } from "./broadcast.ts";
import { echoWorkload } from "./echo.ts";
import { counterWorkload } from "./counter.ts";
import { gSetWorkload } from "./g_set.ts";
import { kafkaWorkload } from "./kafka.ts";
import { linKvWorkload } from "./lin_kv.ts";
import { uniqueIdsWorkload } from "./unique_ids.ts";
import { txnListAppendWorkload } from "./txn_list_append.ts";
import { txnRwRegisterWorkload } from "./txn_rw_register.ts";

/**
 * The workload `o.workload`, configured by `o`.
 *
 * @example
 * ```ts
 * import { createWorkload } from "./mod.ts";
 * import { parseTestArgs } from "../args.ts";
 * createWorkload(parseTestArgs(["test", "-w", "echo", "--bin", "./n.py"])).name; // "echo"
 * ```
 */
export function createWorkload(o: TestOptions): Workload {
  switch (o.workload) {
    case "echo":
      return echoWorkload;
    case "unique-ids":
      return uniqueIdsWorkload;
    case "broadcast":
      return broadcastWorkload(o.topology);
    case "g-set":
      return gSetWorkload();
    case "g-counter":
    case "pn-counter":
      return counterWorkload(o.workload);
    case "lin-kv":
      return linKvWorkload(o.keyCount);
    case "kafka":
      return kafkaWorkload(o.keyCount);
    case "txn-rw-register":
      return txnRwRegisterWorkload(o);
    case "txn-list-append":
      return txnListAppendWorkload(o);
    default:
      throw new RangeError(`unknown workload ${o.workload}`);
  }
}
