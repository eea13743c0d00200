import { ListFileError } from '#shared/domain/intake/errors';

/** The start of a byte stream, read ahead for sniffing, and the whole stream again (head included). */
export interface PeekedBytes {
  head: Buffer;
  /** True when `head` is the whole file. */
  complete: boolean;
  bytes: AsyncIterable<Buffer>;
}

/**
 * Reads up to `headBytes` ahead without losing them, and fails the stream with `too_large` once more than
 * `maxBytes` have passed, so an oversized upload is refused without being read to its end.
 */
export async function peekBytes(
  source: AsyncIterable<Uint8Array>,
  headBytes: number,
  maxBytes: number,
): Promise<PeekedBytes> {
  const iterator = source[Symbol.asyncIterator]();
  const buffered: Buffer[] = [];
  let length = 0;
  let done = false;
  while (length < headBytes) {
    const next = await iterator.next();
    if (next.done) {
      done = true;
      break;
    }
    const chunk = Buffer.from(next.value.buffer, next.value.byteOffset, next.value.byteLength);
    buffered.push(chunk);
    length += chunk.length;
    if (length > maxBytes) throw tooLarge(maxBytes);
  }
  const head = Buffer.concat(buffered);
  async function* replay(): AsyncGenerator<Buffer> {
    yield* buffered;
    let seen = length;
    while (!done) {
      const next = await iterator.next();
      if (next.done) return;
      const chunk = Buffer.from(next.value.buffer, next.value.byteOffset, next.value.byteLength);
      seen += chunk.length;
      if (seen > maxBytes) throw tooLarge(maxBytes);
      yield chunk;
    }
  }
  return { head: head.subarray(0, headBytes), complete: done, bytes: replay() };
}

function tooLarge(maxBytes: number): ListFileError {
  return new ListFileError('too_large', `the file is larger than the limit of ${Math.floor(maxBytes / 1048576)} MiB`);
}
