package dev.cnbfarm.runtime.codec;

import dev.cnbfarm.lifecycle.failure.Category;
import dev.cnbfarm.lifecycle.failure.CnbfarmException;

/**
 * Bytes that are no pipeline event this worker knows: no single-object marker, an unknown
 * schema fingerprint, a corrupt body, or another event than the topic carries. Poison: the loop
 * sends the record to its dead-letter topic and goes on (design.md §8).
 */
public final class UndecodableEventException extends CnbfarmException {
  public UndecodableEventException(String message) {
    super(message);
  }

  public UndecodableEventException(String message, Throwable cause) {
    super(message, cause);
  }

  @Override
  public Category category() {
    return Category.INTERNAL;
  }
}
