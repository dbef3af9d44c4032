package dev.cnbfarm.image.sandbox;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Copies a process stream to a {@link LineSink} line by line as it arrives. Lines longer than
 * {@value #MAX_LINE_BYTES} bytes are split, so binary output cannot exhaust memory. A trailing
 * {@code \r} is dropped; bytes are decoded as UTF-8 with replacement. If the sink throws, the
 * stream is still drained (so the process never blocks on a full pipe) and the first failure is
 * kept for {@link #failure()}. Runs on one thread.
 */
final class LinePump implements Runnable {
  static final int MAX_LINE_BYTES = 16 * 1024;

  private final InputStream in;
  private final LineSink sink;
  private final ByteArrayOutputStream line = new ByteArrayOutputStream();
  private volatile RuntimeException failure;

  LinePump(InputStream in, LineSink sink) {
    this.in = in;
    this.sink = sink;
  }

  @Override
  public void run() {
    byte[] buffer = new byte[8192];
    try (in) {
      int n;
      while ((n = in.read(buffer)) >= 0) {
        for (int i = 0; i < n; i++) {
          if (buffer[i] == '\n') {
            emit();
          } else {
            line.write(buffer[i]);
            if (line.size() >= MAX_LINE_BYTES) {
              emit();
            }
          }
        }
      }
    } catch (IOException streamClosed) {
      // The process is gone; whatever was read has been emitted below.
    }
    if (line.size() > 0) {
      emit();
    }
  }

  /** The first exception the sink threw, if any. */
  Optional<RuntimeException> failure() {
    return Optional.ofNullable(failure);
  }

  private void emit() {
    byte[] bytes = line.toByteArray();
    line.reset();
    int length = bytes.length;
    if (length > 0 && bytes[length - 1] == '\r') {
      length--;
    }
    if (failure != null) {
      return;
    }
    try {
      sink.line(new String(bytes, 0, length, StandardCharsets.UTF_8));
    } catch (RuntimeException e) {
      failure = e;
    }
  }
}
