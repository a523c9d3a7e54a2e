/**
 * Single statements decide from their snapshot. Where a concurrent request can insert the same
 * unique row first, our statements insert without ON CONFLICT, so the later one fails whole with a
 * unique violation (nothing of it is written) rather than silently dropping its row; running it
 * again lets it see the winner and decide as if the two had come one after the other.
 */
import { sqlState } from "./client";

const UNIQUE_VIOLATION = "23505";

export async function retryOnUniqueRace<T>(statement: () => Promise<T>, attempts = 3): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await statement();
    } catch (err) {
      if (sqlState(err) !== UNIQUE_VIOLATION || attempt >= attempts) throw err;
    }
  }
}
