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
 */
const PIECE_BYTES = 256 << 10;
const MIN_PIECE_BYTES = 64 << 10;

/** A BYOB reader with the `min` option of ReadableStreamBYOBReader.read (workerd has it; the DOM typings do not). */
interface PieceReader {
  read(view: Uint8Array, options: { min: number }): Promise<{ done: boolean; value?: Uint8Array }>;
}

export interface WatchedUpload {
  body: ReadableStream<Uint8Array>;
  /** The store answered: stop watching. */
  answered(): void;
}

/** Reads the body in pieces; a request body is a byte stream, anything else is read as it comes. */
function pieceReader(source: ReadableStream<Uint8Array>): () => Promise<{ done: boolean; value?: Uint8Array }> {
  try {
    const reader = source.getReader({ mode: "byob" }) as unknown as PieceReader;
    return () => reader.read(new Uint8Array(PIECE_BYTES), { min: MIN_PIECE_BYTES });
  } catch {
    const reader = source.getReader();
    return () => reader.read();
  }
}

export function watchedUpload(source: ReadableStream<Uint8Array>, length: number, ms: number, onStall: () => void): WatchedUpload {
  const fixed = new FixedLengthStream(length);
  const writer = fixed.writable.getWriter();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let over = false;
  const watch = () => {
    clearTimeout(timer);
    if (!over) timer = setTimeout(onStall, ms);
  };
  const pump = async () => {
    const next = pieceReader(source);
    for (;;) {
      // The client's time. (At the end of the body a piece may come back short, or empty and done.)
      const { done, value } = await next();
      if (value && value.byteLength > 0) {
        watch();
        await writer.write(value); // resolves once the fetch has taken the piece
        clearTimeout(timer);
      }
      if (done) break;
    }
    watch(); // everything handed over: the store's turn to answer
    await writer.close();
  };
  pump().catch((err: unknown) => writer.abort(err).catch(() => {}));
  return {
    body: fixed.readable,
    answered: () => {
      over = true;
      clearTimeout(timer);
    },
  };
}
