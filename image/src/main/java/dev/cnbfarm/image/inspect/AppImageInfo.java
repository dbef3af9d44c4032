package dev.cnbfarm.image.inspect;

import dev.cnbfarm.image.ref.Digest;
import dev.cnbfarm.image.store.Image;
import dev.cnbfarm.image.store.ImageStore;
import dev.cnbfarm.lifecycle.export.BuildMetadataLabel;
import dev.cnbfarm.lifecycle.export.LifecycleMetadata;
import dev.cnbfarm.lifecycle.export.RunImageMetadata;
import dev.cnbfarm.lifecycle.failure.FailureCode;
import dev.cnbfarm.lifecycle.failure.LifecycleException;
import dev.cnbfarm.lifecycle.toml.Toml;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;

/**
 * What {@code pack inspect} shows of an app image, read from its labels: the run image, whether it
 * is rebasable, the buildpacks, extensions and processes, and the default process. Immutable.
 *
 * @param image the image as read
 * @param runImage {@code runImage} of {@code io.buildpacks.lifecycle.metadata}
 * @param rebasable {@code io.buildpacks.rebasable} ("" when absent)
 * @param build {@code io.buildpacks.build.metadata}
 * @param defaultProcess the default process type, if any
 */
public record AppImageInfo(Image image, RunImageMetadata runImage, String rebasable, BuildMetadataLabel build,
    Optional<String> defaultProcess) {
  private static final String PROCESS_DIR = "/cnb/process/";
  private static final String METADATA_TOML = "layers/config/metadata.toml";

  public AppImageInfo {
    Objects.requireNonNull(image, "image");
    Objects.requireNonNull(runImage, "runImage");
    Objects.requireNonNull(rebasable, "rebasable");
    Objects.requireNonNull(build, "build");
    Objects.requireNonNull(defaultProcess, "defaultProcess");
  }

  /** Whether the image carries {@code io.buildpacks.lifecycle.metadata}. */
  public static boolean isAppImage(Image image) {
    String label = image.config().labels().get(LifecycleMetadata.LABEL);
    return label != null && !label.isBlank();
  }

  /**
   * Reads an app image's labels. The default process is the one the entrypoint
   * ({@code /cnb/process/<type>}) or {@code CNB_PROCESS_TYPE} names, else {@code
   * buildpack-default-process-type} of the config layer's {@code metadata.toml} (the one small blob
   * this downloads).
   */
  public static AppImageInfo read(ImageStore store, Image image) {
    if (!isAppImage(image)) {
      throw new LifecycleException(FailureCode.INVALID_INPUT,
          "image " + image.ref() + " is not a buildpacks app image: no label " + LifecycleMetadata.LABEL);
    }
    var labels = image.config().labels();
    String lifecycle = labels.get(LifecycleMetadata.LABEL);
    String build = labels.getOrDefault(BuildMetadataLabel.LABEL, "{}");
    return new AppImageInfo(image, RunImageMetadata.parse(lifecycle), labels.getOrDefault("io.buildpacks.rebasable", ""),
        BuildMetadataLabel.parse(build.isBlank() ? "{}" : build), defaultProcess(store, image, lifecycle));
  }

  private static Optional<String> defaultProcess(ImageStore store, Image image, String lifecycleLabel) {
    List<String> entrypoint = image.config().entrypoint();
    if (entrypoint.size() == 1 && entrypoint.get(0).startsWith(PROCESS_DIR)) {
      return Optional.of(entrypoint.get(0).substring(PROCESS_DIR.length()));
    }
    for (String e : image.config().env()) {
      if (e.startsWith("CNB_PROCESS_TYPE=") && e.length() > "CNB_PROCESS_TYPE=".length()) {
        return Optional.of(e.substring("CNB_PROCESS_TYPE=".length()));
      }
    }
    String configDiffId = dev.cnbfarm.lifecycle.export.LabelJson.read(lifecycleLabel, LifecycleMetadata.LABEL)
        .path("config").path("sha").asText("");
    List<Digest> diffIds = image.config().diffIds();
    for (int i = diffIds.size() - 1; i >= 0 && !configDiffId.isEmpty(); i--) {
      if (diffIds.get(i).value().equals(configDiffId) && i < image.manifest().layers().size()) {
        return fromConfigLayer(store, image, image.manifest().layers().get(i).digest());
      }
    }
    return Optional.empty();
  }

  private static Optional<String> fromConfigLayer(ImageStore store, Image image, Digest layer) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    store.pullBlob(image.ref(), layer, bytes);
    try (InputStream in = new GzipCompressorInputStream(new ByteArrayInputStream(bytes.toByteArray()), true);
        TarArchiveInputStream tar = new TarArchiveInputStream(in)) {
      for (TarArchiveEntry e = tar.getNextTarEntry(); e != null; e = tar.getNextTarEntry()) {
        String name = e.getName().startsWith("/") ? e.getName().substring(1) : e.getName();
        if (name.equals(METADATA_TOML)) {
          String toml = new String(tar.readAllBytes(), StandardCharsets.UTF_8);
          String type = Toml.parse(toml, METADATA_TOML, FailureCode.INVALID_INPUT)
              .string("buildpack-default-process-type", "");
          return type.isEmpty() ? Optional.empty() : Optional.of(type);
        }
      }
      return Optional.empty();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the config layer " + layer + " of " + image.ref(), e);
    }
  }
}
