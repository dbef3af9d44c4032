package dev.cnbfarm.bench;

import dev.cnbfarm.engine.extend.ExtenderPhase;
import dev.cnbfarm.image.dockerfile.SparseLayout;
import dev.cnbfarm.image.dockerfile.StateLayer;
import dev.cnbfarm.image.layer.IgnoredPaths;
import dev.cnbfarm.image.layer.LayerWriter;
import dev.cnbfarm.image.rootfs.LayerStack;
import dev.cnbfarm.image.store.Descriptor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * What a benchmark run must have produced before its time counts: the RUN and cache-hit counts
 * expected, {@code /usr/bin/jq} (when apt ran), a {@code /opt/blob} of the expected size, no
 * {@code /usr/share/doc}, and a sparse layout holding exactly the new layers' blobs. Stateless.
 */
final class ExtendCheck {
  private ExtendCheck() {}

  static void verify(ExtenderPhase.Outcome o, int runs, int hits, boolean withApt, long blobBytes) {
    if (o.runsExecuted() != runs || o.cacheHits() != hits) {
      throw new IllegalStateException("expected " + runs + " RUN(s) executed and " + hits + " cache hit(s), got "
          + o.runsExecuted() + " and " + o.cacheHits());
    }
    LayerStack stack = o.image().stack();
    if (withApt && (!isFile(stack, "/usr/bin/jq") || isPresent(stack, "/usr/share/doc"))) {
      throw new IllegalStateException("the extended image lacks /usr/bin/jq or still has /usr/share/doc");
    }
    if (size(stack, "/opt/blob") != blobBytes) {
      throw new IllegalStateException("the extended image's /opt/blob is not " + blobBytes + " bytes");
    }
    SparseLayout layout = o.layout().orElseThrow(() -> new IllegalStateException("no sparse layout written"));
    List<Descriptor> layers = layout.manifest().layers();
    int base = o.base().manifest().layers().size();
    int added = withApt ? 3 : 1;
    if (layers.size() != base + added || layout.blob(layers.get(0).digest()).isPresent()
        || layers.subList(base, layers.size()).stream().anyMatch(d -> layout.blob(d.digest()).isEmpty())) {
      throw new IllegalStateException("the sparse layout at " + layout.dir() + " does not hold exactly the "
          + added + " new layer blob(s) over " + base + " base layer(s)");
    }
  }

  /**
   * Writes the run's new layers again from their dirs, with the extender's writer settings, and
   * returns one line per layer: payload MB, gzip MB, seconds.
   */
  static Rewrite rewriteLayers(ExtenderPhase.Outcome o, Path scratch) {
    LayerWriter writer = LayerWriter.of().ignoring(IgnoredPaths.PLATFORM).withCompressionLevel(1);
    StringBuilder detail = new StringBuilder();
    long total = 0;
    int i = 0;
    for (StateLayer layer : o.image().layers()) {
      if (layer.isNew()) {
        Path target = scratch.resolve("rewrite-" + i++ + ".tar.gz");
        long start = System.nanoTime();
        long gz = writer.writeTree(layer.dir(), target).size();
        long nanos = System.nanoTime() - start;
        total += nanos;
        DebianBase.delete(target);
        detail.append(detail.length() == 0 ? "" : ", ").append(String.format("%.1f MB -> %.1f MB gz in %.2f s",
            RssProbe.payloadBytes(layer.dir()) / 1e6, gz / 1e6, nanos / 1e9));
      }
    }
    return new Rewrite(total / 1e9, detail.toString());
  }

  /** Time to re-write the new layers, and a per-layer line. */
  record Rewrite(double seconds, String detail) {}

  private static boolean isFile(LayerStack stack, String path) {
    return find(stack, path).filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)).isPresent();
  }

  private static boolean isPresent(LayerStack stack, String path) {
    return find(stack, path).isPresent();
  }

  private static long size(LayerStack stack, String path) {
    return find(stack, path).filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)).map(p -> {
      try {
        return Files.size(p);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }).orElse(-1L);
  }

  private static java.util.Optional<Path> find(LayerStack stack, String path) {
    try {
      return stack.lookup(Arrays.stream(path.split("/")).filter(s -> !s.isEmpty()).toList());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
