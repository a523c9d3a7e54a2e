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

/** A deadline that can be started and stopped again, for work that waits on a party in turns. */
export interface Stopwatch {
  /** (Re)starts the countdown. */
  arm(): void;
  disarm(): void;
}

/**
 * Passes `source` through to a consumer (the fetch of an upstream upload), keeping `deadline`
 * armed only while the consumer is the one keeping the transfer waiting: from the start until it
 * asks for the first chunk, from each chunk handed over until it asks for the next, and after the
 * last one until it answers. Time spent waiting for the source (a slow client) never counts, so a
 * long upload is fine while a store that stops reading is not.
 */
export function consumerWatched(source: ReadableStream<Uint8Array>, deadline: Stopwatch): ReadableStream<Uint8Array> {
  const reader = source.getReader();
  deadline.arm();
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        deadline.disarm();
        const { done, value } = await reader.read();
        if (done) controller.close();
        else controller.enqueue(value);
        deadline.arm();
      },
      cancel(reason) {
        deadline.disarm();
        return reader.cancel(reason);
      },
    },
    { highWaterMark: 0 },
  );
}
