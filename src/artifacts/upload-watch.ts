/**
 * An upload body with a watch on its consumer, the fetch that streams it to the store.
 *
 * A store that accepts the connection and stops reading would hold the request for as long as the
 * stall lasts, and a deadline on the whole upload would also cut off a slow client. So only the
 * store's silence is timed: from handing it a chunk until it has taken it, and from handing it the
 * last one until it answers (the caller ends the watch then). Time spent waiting for the client
 * never counts.
 *
 * The body is pumped in pieces of 64 to 256 KiB (BYOB reads that wait for at least 64 KiB) into a
 * FixedLengthStream, whose native readable side the fetch sends with its length (S3 rejects chunked
 * PUTs). A JavaScript stream in the path, chunk by chunk, made 1 MiB uploads about 20 ms slower;
 * pieces cost a few: each one is a turn of this loop, and the first is held until it is full.
 *
 * The same loop counts the body, so a caller that must know whether the client's body ended whole
 * (atomic uploads) reads `outcome` instead of copying the body through a loop of its own.
 */
const PIECE_BYTES = 256 << 10;
const MIN_PIECE_BYTES = 64 << 10;

/** A BYOB reader with the `min` option of ReadableStreamBYOBReader.read (workerd has it; the DOM typings do not). */
interface PieceReader {
  read(view: Uint8Array, options: { min: number }): Promise<{ done: boolean; value?: Uint8Array }>;
}

/** What became of the source body: read whole, short of or past its length, failed, or left unread because the store gave up. */
export interface BodyOutcome {
  state: "complete" | "short" | "long" | "failed" | "store-gave-up";
  received: number;
}

export interface WatchedUpload {
  body: ReadableStream<Uint8Array>;
  /** The store answered: stop watching. */
  answered(): void;
  /** Settles (never rejects) once the source body was read to its end or given up on. */
  outcome: Promise<BodyOutcome>;
}

interface Pieces {
  next(): Promise<{ done: boolean; value?: Uint8Array }>;
  cancel(reason: unknown): void;
}

/** Reads the body in pieces; a request body is a byte stream, anything else is read as it comes. */
function pieceReader(source: ReadableStream<Uint8Array>): Pieces {
  try {
    const reader = source.getReader({ mode: "byob" });
    const pieces = reader as unknown as PieceReader;
    return { next: () => pieces.read(new Uint8Array(PIECE_BYTES), { min: MIN_PIECE_BYTES }), cancel: (r) => void reader.cancel(r).catch(() => {}) };
  } catch {
    const reader = source.getReader();
    return { next: () => reader.read(), cancel: (r) => void reader.cancel(r).catch(() => {}) };
  }
}

export function watchedUpload(source: ReadableStream<Uint8Array>, length: number, ms: number, onStall: () => void): WatchedUpload {
  const fixed = new FixedLengthStream(length);
  const writer = fixed.writable.getWriter();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let over = false;
  let received = 0;
  const watch = () => {
    clearTimeout(timer);
    if (!over) timer = setTimeout(onStall, ms);
  };
  const stop = (state: BodyOutcome["state"], reason: unknown): BodyOutcome => {
    clearTimeout(timer);
    writer.abort(reason).catch(() => {});
    return { state, received };
  };
  const pump = async (): Promise<BodyOutcome> => {
    const pieces = pieceReader(source);
    for (;;) {
      // The client's time. (At the end of the body a piece may come back short, or empty and done.)
      let piece: { done: boolean; value?: Uint8Array };
      try {
        piece = await pieces.next();
      } catch (err) {
        return stop("failed", err);
      }
      const { done, value } = piece;
      if (value && value.byteLength > 0) {
        received += value.byteLength;
        if (received > length) {
          pieces.cancel(undefined);
          return stop("long", new Error("body longer than its Content-Length"));
        }
        watch();
        try {
          await writer.write(value); // resolves once the fetch has taken the piece
        } catch (err) {
          pieces.cancel(err); // the store gave up: stop reading a body nobody takes
          return { state: "store-gave-up", received };
        }
        clearTimeout(timer);
      }
      if (done) break;
    }
    if (received < length) return stop("short", new Error("body shorter than its Content-Length"));
    watch(); // everything handed over: the store's turn to answer
    await writer.close().catch(() => {});
    return { state: "complete", received };
  };
  return {
    body: fixed.readable,
    answered: () => {
      over = true;
      clearTimeout(timer);
    },
    outcome: pump(),
  };
}
