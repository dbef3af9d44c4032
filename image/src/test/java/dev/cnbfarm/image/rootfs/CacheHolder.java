package dev.cnbfarm.image.rootfs;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A second process for the tests, as an extender would use the cache: opens the {@link LocalCache}
 * at {@code args[0]} (no budget of its own, no recent-use window), unpacks a layer, starts a step
 * over it, writes a blob into its blob dir and holds a download; prints one line {@code
 * <step dir> <layer dir> <blob> <download>}; then, when its stdin closes, finishes: writes into the
 * step's upper dir, reads its layer and blob, closes the step and the cache, and exits 0, or 2
 * saying what another process took from it.
 */
public final class CacheHolder {
  public static final DiffId LAYER = new DiffId("e".repeat(64));

  private CacheHolder() {}

  /** Runs this class in a fresh JVM on the test class path. */
  public static Child start(Path cacheDir) throws IOException {
    List<String> cmd = List.of(ProcessHandle.current().info().command().orElse("java"),
        "-cp", System.getProperty("java.class.path"), CacheHolder.class.getName(), cacheDir.toString());
    Process process = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    String line = new String(process.getInputStream().readNBytes(8192)).lines().findFirst().orElse("");
    String[] paths = line.split(" ");
    if (paths.length != 4) {
      process.destroyForcibly();
      throw new IOException("the child cache holder printed '" + line + "'");
    }
    return new Child(process, Path.of(paths[0]), Path.of(paths[1]), Path.of(paths[2]), Path.of(paths[3]));
  }

  /** The running child and the live entries it holds. */
  public record Child(Process process, Path stepDir, Path layerDir, Path blob, Path download)
      implements AutoCloseable {
    /** Lets the child finish; returns its exit code. */
    public int finish() throws IOException, InterruptedException {
      process.getOutputStream().close();
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor();
        return -1;
      }
      return process.exitValue();
    }

    /** SIGKILL: nothing of the child runs after this, no close, no finally. */
    public void kill() throws InterruptedException {
      process.destroyForcibly().waitFor();
    }

    @Override
    public void close() {
      process.destroyForcibly();
    }
  }

  public static void main(String[] args) throws IOException {
    LocalCache cache = LocalCache.open(Path.of(args[0]), Long.MAX_VALUE, Duration.ZERO);
    Path layer = cache.rootfs().layerDir(LAYER, dest -> Files.write(dest.resolve("blob"), new byte[10_000]));
    OverlayMount step = cache.scratch().prepare(RootfsPlan.of(List.of(layer)));
    Path blob = Files.write(cache.blobs().resolve("child.tar.gz"), new byte[10_000]);
    Path download = Files.write(cache.downloads().resolve("layer-child.blob"), new byte[10_000]);
    try (FileChannel channel = FileChannel.open(download, StandardOpenOption.WRITE);
        FileLock held = channel.lock()) {
      // One line, then close stdout so the parent's readNBytes returns.
      System.out.println(step.stepDir() + " " + layer + " " + blob + " " + download);
      System.out.close();
      while (System.in.read() >= 0) {
        // hold everything until the parent closes our stdin
      }
      Files.writeString(step.upperDir().resolve("done"), "the step finished");
      if (Files.size(layer.resolve("blob")) != 10_000 || Files.size(blob) != 10_000
          || Files.size(download) != 10_000) {
        throw new IOException("an entry changed under the step");
      }
    } catch (IOException e) {
      System.err.println("cache holder: " + e);
      Runtime.getRuntime().halt(2);
    }
    Files.delete(download);
    step.close();
    cache.close();
  }
}
