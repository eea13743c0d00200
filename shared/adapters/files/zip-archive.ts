import type { Readable } from 'node:stream';
import yauzl from 'yauzl';

/** A zip file on disk opened for random access: any entry can be read, in any order, as often as needed. */
export interface ZipArchive {
  /**
   * The entry of that name, or `undefined`. Names are matched without a leading `/` and case-insensitively, as OPC
   * (the packaging of .xlsx) defines part names.
   */
  entry(name: string): ZipEntry | undefined;
  /** Inflated bytes of an entry; yauzl checks them against the sizes the central directory declares. */
  open(entry: ZipEntry): Promise<Readable>;
  close(): void;
}

/** One file of a zip, as its central directory describes it. */
export interface ZipEntry {
  name: string;
  /** Uncompressed size as declared (and verified while reading). */
  size: number;
}

/**
 * Opens a zip file by its central directory (at the end of the file), so entries stored in any order can be read;
 * a streaming unzip would have to buffer everything before the entry it waits for. Rejects for a file that is not a
 * zip or is truncated.
 */
export async function openZip(path: string): Promise<ZipArchive> {
  const zip = await yauzl.openPromise(path, { autoClose: false, strictFileNames: false, validateEntrySizes: true });
  const entries = new Map<string, yauzl.Entry>();
  try {
    for await (const entry of zip.eachEntry()) entries.set(partName(entry.fileName), entry);
  } catch (error) {
    zip.close();
    throw error;
  }
  return {
    entry(name) {
      const found = entries.get(partName(name));
      return found ? { name: found.fileName, size: found.uncompressedSize } : undefined;
    },
    async open(entry) {
      const found = entries.get(partName(entry.name));
      if (!found) throw new Error(`no zip entry ${entry.name}`);
      return zip.openReadStreamPromise(found);
    },
    close() {
      zip.close();
    },
  };
}

function partName(name: string): string {
  return name.replace(/^\/+/, '').toLowerCase();
}
