/** Column types that drizzle-orm 0.45's pg-core does not ship. */
import { customType } from "drizzle-orm/pg-core";

/** Postgres `bytea`. Values are Uint8Array (node-postgres and the Neon driver return Buffer, a subclass). */
export const bytea = customType<{ data: Uint8Array; driverData: Uint8Array }>({
  dataType() {
    return "bytea";
  },
});
