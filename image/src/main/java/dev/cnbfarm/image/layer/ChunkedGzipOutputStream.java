package dev.cnbfarm.image.layer;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * A gzip stream whose deflate work runs on several cores, as pigz does: the input is cut into
 * fixed 1 MiB chunks, each compressed independently (primed with the previous chunk's last 32 KiB
 * as dictionary, so the ratio hardly changes) and ended with a sync flush, and the pieces are
 * written in order — together one ordinary deflate stream. Chunk boundaries depend only on byte
 * offsets, so the output is the same for the same input whatever the thread timing. The header
 * has no name and mtime 0. Chunk buffers are recycled, so a layer of any size makes almost no
 * garbage. A chunk whose sample does not compress is stored rather than deflated
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
  private final Deque<Future<Job>> inFlight = new ArrayDeque<>();
  private final Deque<Job> free = new ArrayDeque<>();
  private final CRC32 crc = new CRC32();
  private Job current = new Job();
  private Job previous;
  private long total;
  private boolean finished;

  ChunkedGzipOutputStream(OutputStream out, int level, int threads) throws IOException {
    this.out = out;
    this.level = level;
    this.maxInFlight = 2 * threads;
    ThreadPoolExecutor executor = (ThreadPoolExecutor) Executors.newFixedThreadPool(threads, r -> {
      Thread t = new Thread(r, "layer-gzip");
      t.setDaemon(true);
      return t;
    });
    // a stream abandoned before finish() must not pin its threads
    executor.setKeepAliveTime(5, TimeUnit.SECONDS);
    executor.allowCoreThreadTimeOut(true);
    this.pool = executor;
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
      int n = Math.min(len, CHUNK - current.inputLength);
      System.arraycopy(b, off, current.input, current.inputLength, n);
      current.inputLength += n;
      off += n;
      len -= n;
      if (current.inputLength == CHUNK) {
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
    Job job = current;
    job.last = last;
    job.level = level;
    // the previous chunk's tail primes this one; copied, since that chunk's buffer gets recycled
    job.dictionaryLength = 0;
    if (previous != null) {
      job.dictionaryLength = Math.min(DICTIONARY, previous.inputLength);
      System.arraycopy(previous.input, previous.inputLength - job.dictionaryLength, job.dictionary, 0,
          job.dictionaryLength);
    }
    inFlight.add(pool.submit(job::deflate));
    previous = job;
    while (inFlight.size() >= maxInFlight) {
      drainOldest();
    }
    current = free.isEmpty() ? new Job() : free.removeFirst();
    current.inputLength = 0;
  }

  private void drainOldest() throws IOException {
    try {
      Job done = inFlight.removeFirst().get();
      out.write(done.output, 0, done.outputLength);
      if (done != previous) {
        free.add(done);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while compressing a layer");
    } catch (ExecutionException e) {
      throw new IOException("cannot compress a layer chunk", e.getCause());
    }
  }

  private void writeIntLe(int v) throws IOException {
    out.write(new byte[] {(byte) v, (byte) (v >>> 8), (byte) (v >>> 16), (byte) (v >>> 24)});
  }

  /** One chunk's buffers, reused from chunk to chunk. Confined to one thread at a time. */
  private static final class Job {
    final byte[] input = new byte[CHUNK];
    final byte[] dictionary = new byte[DICTIONARY];
    // above zlib's deflateBound for a chunk, so one deflate call never runs out of room
    byte[] output = new byte[CHUNK + (CHUNK >> 10) + 1024];
    int inputLength;
    int dictionaryLength;
    int outputLength;
    int level;
    boolean last;

    /** The chunk as raw deflate: sync-flushed, or finished when it is the last. */
    Job deflate() {
      int effective = level != 0 && incompressible(input, inputLength, level, output) ? 0 : level;
      Deflater deflater = new Deflater(effective, true);
      try {
        if (dictionaryLength > 0) {
          deflater.setDictionary(dictionary, 0, dictionaryLength);
        }
        deflater.setInput(input, 0, inputLength);
        outputLength = 0;
        while (!deflater.needsInput()) {
          outputLength += deflater.deflate(output, outputLength, output.length - outputLength, Deflater.NO_FLUSH);
          grow();
        }
        if (last) {
          deflater.finish();
        }
        boolean full;
        do {
          int room = output.length - outputLength;
          outputLength += deflater.deflate(output, outputLength, room, last ? Deflater.NO_FLUSH : Deflater.SYNC_FLUSH);
          full = outputLength == output.length;
          grow();
        } while (last ? !deflater.finished() : full);
        return this;
      } finally {
        deflater.end();
      }
    }

    private void grow() {
      if (outputLength == output.length) {
        output = java.util.Arrays.copyOf(output, output.length * 2);
      }
    }
  }

  /**
   * Whether a sample from the middle of the chunk shrinks by less than 2 % (random or already
   * compressed bytes: jars, archives, media); such a chunk is stored, which costs a copy instead of
   * a deflate pass that gains nothing. Depends on the bytes alone, so the output stays reproducible.
   *
   * @param scratch at least {@code SAMPLE + SAMPLE / 8} bytes
   */
  static boolean incompressible(byte[] data, int length, int level, byte[] scratch) {
    if (length < 2 * SAMPLE) {
      return false;
    }
    Deflater probe = new Deflater(level, true);
    try {
      probe.setInput(data, (length - SAMPLE) / 2, SAMPLE);
      probe.finish();
      int limit = SAMPLE + SAMPLE / 8;
      int n = 0;
      while (!probe.finished() && n < limit) {
        n += probe.deflate(scratch, n, limit - n);
      }
      return n > SAMPLE - SAMPLE / 50;
    } finally {
      probe.end();
    }
  }
}
