package dev.cnbfarm.image.layer;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * A gzip stream whose deflate work runs on several cores, as pigz does: the input is cut into
 * fixed 1 MiB chunks, each compressed independently (primed with the previous chunk's last 32 KiB
 * as dictionary, so the ratio hardly changes) and ended with a sync flush, and the pieces are
 * written in order — together one ordinary deflate stream. Chunk boundaries depend only on byte
 * offsets, so the output is the same for the same input whatever the thread timing. The header
 * has no name and mtime 0. A chunk whose sample does not compress is stored rather than deflated
 * ({@link #incompressible}). At most {@code 2 × threads} chunks are in flight (a few MiB). Not
 * thread-safe; single use.
 */
final class ChunkedGzipOutputStream extends OutputStream {
  static final int CHUNK = 1 << 20;
  private static final int DICTIONARY = 32 * 1024;
  private static final int SAMPLE = 32 * 1024;
  private static final byte[] HEADER = {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, 0};

  private final OutputStream out;
  private final int level;
  private final ExecutorService pool;
  private final int maxInFlight;
  private final Deque<Future<byte[]>> inFlight = new ArrayDeque<>();
  private final CRC32 crc = new CRC32();
  private byte[] chunk = new byte[CHUNK];
  private int filled;
  private byte[] dictionary;
  private long total;
  private boolean finished;

  ChunkedGzipOutputStream(OutputStream out, int level, int threads) throws IOException {
    this.out = out;
    this.level = level;
    this.maxInFlight = 2 * threads;
    this.pool = Executors.newFixedThreadPool(threads, r -> {
      Thread t = new Thread(r, "layer-gzip");
      t.setDaemon(true);
      return t;
    });
    out.write(HEADER);
  }

  @Override
  public void write(int b) throws IOException {
    write(new byte[] {(byte) b}, 0, 1);
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    crc.update(b, off, len);
    total += len;
    while (len > 0) {
      int n = Math.min(len, CHUNK - filled);
      System.arraycopy(b, off, chunk, filled, n);
      filled += n;
      off += n;
      len -= n;
      if (filled == CHUNK) {
        submit(false);
      }
    }
  }

  /** Compresses what is left, ends the deflate stream and writes the trailer; {@code out} stays open. */
  void finish() throws IOException {
    if (finished) {
      return;
    }
    finished = true;
    try {
      submit(true);
      while (!inFlight.isEmpty()) {
        drainOldest();
      }
      writeIntLe((int) crc.getValue());
      writeIntLe((int) total);
    } finally {
      pool.shutdownNow();
    }
  }

  @Override
  public void close() throws IOException {
    try {
      finish();
    } finally {
      out.close();
    }
  }

  private void submit(boolean last) throws IOException {
    byte[] data = filled == CHUNK ? chunk : Arrays.copyOf(chunk, filled);
    byte[] dict = dictionary;
    int lvl = level;
    inFlight.add(pool.submit(() -> deflate(data, dict, lvl, last)));
    dictionary = Arrays.copyOfRange(data, Math.max(0, data.length - DICTIONARY), data.length);
    chunk = new byte[CHUNK];
    filled = 0;
    while (inFlight.size() >= maxInFlight) {
      drainOldest();
    }
  }

  private void drainOldest() throws IOException {
    try {
      out.write(inFlight.removeFirst().get());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while compressing a layer");
    } catch (ExecutionException e) {
      throw new IOException("cannot compress a layer chunk", e.getCause());
    }
  }

  /** One chunk as raw deflate: sync-flushed, or finished when it is the last. */
  private static byte[] deflate(byte[] data, byte[] dict, int level, boolean last) {
    Deflater deflater = new Deflater(level != 0 && incompressible(data, level) ? 0 : level, true);
    try {
      if (dict != null && dict.length > 0) {
        deflater.setDictionary(dict);
      }
      deflater.setInput(data);
      // zlib's deflateBound: stored blocks cost 5 bytes per 16 KiB at worst
      byte[] buf = new byte[data.length + (data.length >> 12) + 64];
      int len = 0;
      while (!deflater.needsInput()) {
        len += deflater.deflate(buf, len, buf.length - len, Deflater.NO_FLUSH);
        buf = roomFor(buf, len);
      }
      if (last) {
        deflater.finish();
      }
      boolean full;
      do {
        int room = buf.length - len;
        len += deflater.deflate(buf, len, room, last ? Deflater.NO_FLUSH : Deflater.SYNC_FLUSH);
        full = len == buf.length;
        buf = roomFor(buf, len);
      } while (last ? !deflater.finished() : full);
      return Arrays.copyOf(buf, len);
    } finally {
      deflater.end();
    }
  }

  /**
   * Whether a sample from the middle of the chunk shrinks by less than 2 % (random or already
   * compressed bytes: jars, archives, media); such a chunk is stored, which costs a copy instead of
   * a deflate pass that gains nothing. Depends on the bytes alone, so the output stays reproducible.
   */
  static boolean incompressible(byte[] data, int level) {
    if (data.length < 2 * SAMPLE) {
      return false;
    }
    Deflater probe = new Deflater(level, true);
    try {
      probe.setInput(data, (data.length - SAMPLE) / 2, SAMPLE);
      probe.finish();
      byte[] out = new byte[SAMPLE + SAMPLE / 8];
      int n = 0;
      while (!probe.finished() && n < out.length) {
        n += probe.deflate(out, n, out.length - n);
      }
      return n > SAMPLE - SAMPLE / 50;
    } finally {
      probe.end();
    }
  }

  private static byte[] roomFor(byte[] buf, int len) {
    return len < buf.length ? buf : Arrays.copyOf(buf, buf.length * 2);
  }

  private void writeIntLe(int v) throws IOException {
    out.write(new byte[] {(byte) v, (byte) (v >>> 8), (byte) (v >>> 16), (byte) (v >>> 24)});
  }
}
