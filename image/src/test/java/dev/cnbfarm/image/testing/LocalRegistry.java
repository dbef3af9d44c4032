package dev.cnbfarm.image.testing;

import dev.cnbfarm.image.store.RegistryProcess;
import dev.cnbfarm.lifecycle.fs.FileTrees;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Test fixture: a {@link RegistryProcess} in a fresh temp dir, deleted again by {@link #close()}.
 * A missing {@code docker-registry} fails (never skips) with the install hint. Not thread-safe.
 */
public final class LocalRegistry implements AutoCloseable {
  public static final Path BINARY = RegistryProcess.BINARY;

  private final RegistryProcess process;
  private final Path dir;

  private LocalRegistry(RegistryProcess process, Path dir) {
    this.process = process;
    this.dir = dir;
  }

  /** Starts a registry and waits until {@code GET /v2/} answers 200 (about 0.2 s). */
  public static LocalRegistry start() {
    return start(BINARY);
  }

  /** Starts the registry binary at {@code binary}. */
  static LocalRegistry start(Path binary) {
    Path dir;
    try {
      dir = Files.createTempDirectory("cnbfarm-registry-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    try {
      return new LocalRegistry(RegistryProcess.start(binary, dir), dir);
    } catch (RuntimeException e) {
      FileTrees.deleteQuietly(dir);
      throw e;
    }
  }

  /** {@code 127.0.0.1:<port>}, the registry part of image references. */
  public String host() {
    return process.host();
  }

  /** {@code http://127.0.0.1:<port>}. */
  public URI uri() {
    return process.uri();
  }

  /** The registry's process id. */
  public long pid() {
    return process.pid();
  }

  @Override
  public void close() {
    process.close();
    FileTrees.deleteQuietly(dir);
  }
}
