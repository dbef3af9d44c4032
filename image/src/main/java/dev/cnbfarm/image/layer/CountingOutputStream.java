package dev.cnbfarm.image.layer;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/**
 * Counts the bytes written through it. {@link #keepingOpen} makes one whose {@code close()} only
 * flushes, for handing to a library that closes what it is given when the caller owns the stream.
 * Not thread-safe.
 */
public final class CountingOutputStream extends FilterOutputStream {
  private final boolean closesUnderlying;
  private long count;

  private CountingOutputStream(OutputStream out, boolean closesUnderlying) {
    super(out);
    this.closesUnderlying = closesUnderlying;
  }

  public static CountingOutputStream of(OutputStream out) {
    return new CountingOutputStream(out, true);
  }

  public static CountingOutputStream keepingOpen(OutputStream out) {
    return new CountingOutputStream(out, false);
  }

  public long count() {
    return count;
  }

  @Override
  public void write(int b) throws IOException {
    out.write(b);
    count++;
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    out.write(b, off, len);
    count += len;
  }

  @Override
  public void close() throws IOException {
    if (closesUnderlying) {
      super.close();
    } else {
      flush();
    }
  }
}
