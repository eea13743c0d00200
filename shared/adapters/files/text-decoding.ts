import { Transform } from 'node:stream';
import { TextDecoder } from 'node:util';

/**
 * Text decoding with the platform's WHATWG decoder (ICU, full data in Node's official and Lambda builds) instead of a
 * bundled code-page library: GB18030/GBK, UTF-16 and the single-byte code pages chardet may name all decode with
 * nothing added to a Lambda bundle. Invalid bytes become U+FFFD, as a spreadsheet program would show them.
 */

/** Whether the platform can decode `label` (an encoding name as chardet or a BOM check gives it). */
export function canDecode(label: string): boolean {
  try {
    new TextDecoder(label);
    return true;
  } catch {
    return false;
  }
}

const wholeBufferDecoders = new Map<string, TextDecoder>();

/** Decodes a whole buffer; a leading byte-order mark is dropped. Called per cell, so decoders are reused. */
export function decodeText(bytes: Uint8Array, label: string): string {
  let decoder = wholeBufferDecoders.get(label);
  if (!decoder) {
    // A decode call without `stream` leaves no state behind, so one decoder per label serves every call.
    decoder = new TextDecoder(decoderLabel(label));
    wholeBufferDecoders.set(label, decoder);
  }
  return decoder.decode(bytes);
}

/**
 * A stream that decodes bytes to text chunk by chunk; a character split between two chunks is held until its other
 * half arrives. A leading byte-order mark is dropped.
 */
export function decodeStream(label: string): Transform {
  const decoder = new TextDecoder(decoderLabel(label));
  return new Transform({
    decodeStrings: true,
    readableObjectMode: false,
    transform(chunk: Buffer, _encoding, callback) {
      const text = decoder.decode(chunk, { stream: true });
      callback(null, text.length > 0 ? text : undefined);
    },
    flush(callback) {
      const rest = decoder.decode();
      callback(null, rest.length > 0 ? rest : undefined);
    },
  });
}

/** Our encoding names are the decoder's labels, except the BOM-marked UTF-8 the sniffer reports separately. */
function decoderLabel(label: string): string {
  return label === 'utf-8-bom' ? 'utf-8' : label;
}
