package dev.cnbfarm.engine.export;

import dev.cnbfarm.engine.PlatformFiles;
import dev.cnbfarm.image.cache.BuildCache;
import dev.cnbfarm.image.cache.CacheExport;
import dev.cnbfarm.image.export.ExportRequest;
import dev.cnbfarm.image.export.ExportResult;
import dev.cnbfarm.image.export.Exporter;
import dev.cnbfarm.image.store.BlobPush;
import dev.cnbfarm.image.store.ImageStore;
import dev.cnbfarm.lifecycle.export.BuildMetadataLabel;
import dev.cnbfarm.lifecycle.platform.RunMetadata;
import dev.cnbfarm.lifecycle.failure.CnbfarmException;
import dev.cnbfarm.lifecycle.report.Reporter;
import java.io.UncheckedIOException;
import java.util.Optional;

/**
 * The exporter phase (platform.md "exporter", design.md §4): the app image from the build's
 * layers, the run image (extended or not) and the metadata, through {@link Exporter}'s publish,
 * assemble and push; report.toml through the port. Returns the digest and the per-layer outcomes.
 * Stateless apart from its ports; one instance may run several exports one after another.
 */
public final class ExporterPhase {
  /**
   * What cnbfarm knows of a builder's launcher for the build metadata label: no version and no git
   * source. The launcher file itself is the builder's {@code /cnb/lifecycle/launcher}; {@code
   * BuildPublisher} exports cnbfarm's own shell launcher (and names it in the label) when there is
   * none (design.md §6). The exporter command and the extend worker's build role both publish with it.
   */
  public static final BuildMetadataLabel.Launcher BUILDER_LAUNCHER = new BuildMetadataLabel.Launcher("", "", "");

  private final ImageStore store;
  private final PlatformFiles files;
  private final Reporter reporter;

  public ExporterPhase(ImageStore store, PlatformFiles files, Reporter reporter) {
    this.store = store;
    this.files = files;
    this.reporter = reporter;
  }

  /** Exports, writes report.toml and returns the result; failures are {@code CnbfarmException}s (exit 62). */
  public ExportResult run(ExportInputs in) {
    return export(in);
  }

  /** What an export with a cache did: the app image, and the cache step unless it failed (a warning). */
  public record Outcome(ExportResult image, Optional<CacheExport.Result> cache) {}

  /**
   * As {@link #run(ExportInputs)}, then writes the build cache's next generation ({@link
   * CacheExport}). As the reference, a cache that cannot be written is a warning: the image stands.
   */
  public Outcome run(ExportInputs in, Optional<BuildCache> cache) {
    ExportResult result = export(in);
    if (cache.isEmpty()) {
      return new Outcome(result, Optional.empty());
    }
    try {
      return new Outcome(result, Optional.of(new CacheExport(reporter).write(cache.get(), in.layers(),
          files.readGroup().buildpacks(), in.uid(), in.gid(), Optional.of(result))));
    } catch (CnbfarmException | UncheckedIOException | IllegalStateException e) {
      reporter.warn("Failed to export cache: " + e.getMessage());
      return new Outcome(result, Optional.empty());
    }
  }

  private ExportResult export(ExportInputs in) {
    ExportRequest request = new ExportRequest(in.layers(), in.app(), in.launcher(), in.projectMetadata(),
        files.extendedDir(), files.readAnalyzed(), files.readGroup(), RunMetadata.read(in.run()),
        BUILDER_LAUNCHER, in.targets(), in.uid(), in.gid(), in.platformApi().toString(), in.execEnv());
    ExportResult result = new Exporter(store, reporter).export(request);
    files.writeReport(result.report());
    reporter.info("*** Digest: " + result.digest());
    reporter.debug("layer blobs: uploaded " + result.count(BlobPush.Outcome.UPLOADED) + ", mounted "
        + result.count(BlobPush.Outcome.MOUNTED) + ", already present " + result.count(BlobPush.Outcome.EXISTED));
    return result;
  }
}
