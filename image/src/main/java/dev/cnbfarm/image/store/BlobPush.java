package dev.cnbfarm.image.store;

import dev.cnbfarm.image.ref.Digest;
import java.util.Objects;

/**
 * What pushing a blob did. Immutable.
 *
 * @param digest the blob's digest
 * @param size its size in bytes
 * @param outcome whether bytes were sent
 */
public record BlobPush(Digest digest, long size, Outcome outcome) {
  /** How the blob got there. */
  public enum Outcome {
    /** The store already had it (HEAD hit): nothing was sent. */
    EXISTED,
    /** Mounted from another repository: nothing was sent. */
    MOUNTED,
    /** The bytes were uploaded (or copied). */
    UPLOADED
  }

  public BlobPush {
    Objects.requireNonNull(digest, "digest");
    Objects.requireNonNull(outcome, "outcome");
  }
}
