package dev.cnbfarm.image.store;

import java.io.IOException;

/** A body longer than its bound (a blob's descriptor size, the manifest cap): not transient, never retried. */
final class OversizedBodyException extends IOException {
  private static final long serialVersionUID = 1L;

  OversizedBodyException(String message) {
    super(message);
  }
}
