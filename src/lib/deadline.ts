/**
 * Deadlines for calls to the services a request depends on (the database, the artifact store).
 * A dependency that accepts a connection and then says nothing would otherwise hold the request,
 * and the client behind it, for as long as the stall lasts.
 */

/** A dependency did not answer within its deadline. Its message names no request data. */
export class DeadlineExceeded extends Error {
  constructor(
    readonly dependency: string,
    readonly ms: number,
  ) {
    super(`${dependency} did not answer within ${ms} ms`);
    this.name = "DeadlineExceeded";
  }
}

/**
 * Settles like `work`, unless `ms` pass first: then `onExpiry` runs (to abandon the work, e.g.
 * close its connection) and the result rejects with DeadlineExceeded.
 */
export function withDeadline<T>(dependency: string, ms: number, work: Promise<T>, onExpiry: () => void = () => {}): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const expiry = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      onExpiry();
      reject(new DeadlineExceeded(dependency, ms));
    }, ms);
  });
  // The abandoned work may still fail later; that failure has already been answered.
  work.catch(() => {});
  return Promise.race([work, expiry]).finally(() => clearTimeout(timer));
}
