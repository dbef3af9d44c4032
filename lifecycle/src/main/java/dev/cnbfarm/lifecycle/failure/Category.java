package dev.cnbfarm.lifecycle.failure;

/** How the pipeline treats a failure: see design.md §8 and style.md §5. Immutable. */
public enum Category {
  /** A build outcome, not an error: no group passed detection, a buildpack failed. */
  OUTCOME,
  /** Bad input from a user: an invalid Dockerfile, a malformed TOML file, a bad flag. */
  USER,
  /** Infrastructure that may work on a retry: a registry 5xx, a timeout. */
  INFRA,
  /** A bug or a poison record. */
  INTERNAL
}
