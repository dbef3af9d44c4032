package dev.cnbfarm.image.store;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/**
 * Passes at most {@code max} bytes on and fails on the next one, so a body longer than its
 * descriptor says is cut at {@code max + 1} bytes instead of read to its end. Not thread-safe.
 */
final class BoundedOutputStream extends FilterOutputStream {
  private final long max;
  private final String message;
  private long count;

  BoundedOutputStream(OutputStream out, long max, String message) {
    super(out);
    this.max = max;
    this.message = message;
  }

  @Override
  public void write(int b) throws IOException {
    room(1);
    out.write(b);
    count++;
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    room(len);
    out.write(b, off, len);
    count += len;
  }

  private void room(int len) throws IOException {
    if (len > max - count) {
      throw new OversizedBodyException(message);
    }
  }

  /** Jib closes the stream it writes to; the caller's stream stays open. */
  @Override
  public void close() throws IOException {
    flush();
  }
}
