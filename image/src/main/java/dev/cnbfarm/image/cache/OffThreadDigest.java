package dev.cnbfarm.image.cache;

import dev.cnbfarm.image.ref.Digest;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * An input stream that SHA-256-hashes what is read through it on a second thread, in order, so a
 * restore unpacks and hashes a layer at the same time (on two cores a 100 MB layer restores in about
 * the time of its unpacking alone). At most {@link #IN_FLIGHT} chunks wait to be hashed: a slow hash
 * holds the reader back rather than filling the heap. Not thread-safe; one reader.
 */
final class OffThreadDigest extends FilterInputStream {
  static final int IN_FLIGHT = 32;

  private final MessageDigest sha = Digest.sha256();
  private final ExecutorService hasher = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "cnbfarm-layer-hash");
    t.setDaemon(true);
    return t;
  });
  private final Semaphore room = new Semaphore(IN_FLIGHT);

  OffThreadDigest(InputStream in) {
    super(in);
  }

  @Override
  public int read() throws IOException {
    int b = super.read();
    if (b >= 0) {
      hash(new byte[] {(byte) b});
    }
    return b;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    int n = super.read(b, off, len);
    if (n > 0) {
      hash(Arrays.copyOfRange(b, off, off + n));
    }
    return n;
  }

  @Override
  public long skip(long n) throws IOException {
    // skipped bytes must be hashed too: read them
    byte[] buf = new byte[(int) Math.min(n, 1 << 16)];
    long left = n;
    while (left > 0) {
      int r = read(buf, 0, (int) Math.min(left, buf.length));
      if (r < 0) {
        break;
      }
      left -= r;
    }
    return n - left;
  }

  @Override
  public boolean markSupported() {
    return false;
  }

  private void hash(byte[] chunk) throws IOException {
    try {
      room.acquire();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while hashing a layer");
    }
    hasher.execute(() -> {
      sha.update(chunk);
      room.release();
    });
  }

  /** The hash of everything read so far; waits for the hashing thread. Call once, after the reads. */
  Digest digest() throws IOException {
    hasher.shutdown();
    try {
      if (!hasher.awaitTermination(10, TimeUnit.MINUTES)) {
        throw new IOException("hashing a layer did not finish");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while hashing a layer");
    }
    return Digest.ofHash(sha.digest());
  }

  @Override
  public void close() throws IOException {
    hasher.shutdownNow();
    super.close();
  }
}
