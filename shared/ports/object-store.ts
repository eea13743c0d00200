/** Where an object lives; `versionId` pins one version of it when the bucket is versioned. */
export interface ObjectRef {
  bucket: string;
  key: string;
  versionId?: string | undefined;
}

/** The object (or that version of it) does not exist. */
export class ObjectNotFoundError extends Error {
  override readonly name = 'ObjectNotFoundError';
}

/** How an object is written. */
export interface PutOptions {
  /**
   * Object tags the object is created with, in the same request (a bucket's lifecycle rules can select objects by
   * tag, e.g. to expire them). Keys and values as S3 allows them: at most 10 tags.
   */
  tags?: Readonly<Record<string, string>>;
}

/** The few object-storage operations intake needs; an S3 adapter implements them. */
export interface ObjectStore {
  /** Streams an object's bytes, from byte `from` (default 0) to its end. Throws `ObjectNotFoundError`. */
  read(ref: ObjectRef, options?: { from?: number }): Promise<AsyncIterable<Uint8Array>>;
  /** Writes a small object whole. */
  put(ref: ObjectRef, body: string | Uint8Array, contentType: string, options?: PutOptions): Promise<void>;
  /**
   * Writes an object of unknown length from a stream, holding at most one upload part in memory. The tags are on the
   * final object however it is written (one request or a multipart upload).
   */
  putStream(ref: ObjectRef, body: AsyncIterable<Uint8Array>, contentType: string, options?: PutOptions): Promise<void>;
  /** Deletes objects; missing ones are not an error. */
  delete(refs: readonly ObjectRef[]): Promise<void>;
}
