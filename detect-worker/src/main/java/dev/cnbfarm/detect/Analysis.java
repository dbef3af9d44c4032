package dev.cnbfarm.detect;

import dev.cnbfarm.engine.analyze.PreviousAppImage;
import dev.cnbfarm.image.ref.ImageRef;
import dev.cnbfarm.image.ref.InvalidImageRefException;
import dev.cnbfarm.image.store.Image;
import dev.cnbfarm.image.store.ImageStore;
import dev.cnbfarm.image.store.Platform;
import dev.cnbfarm.lifecycle.failure.FailureCode;
import dev.cnbfarm.lifecycle.failure.LifecycleException;
import dev.cnbfarm.lifecycle.platform.Analyzed;
import dev.cnbfarm.lifecycle.platform.RunMetadata;
import dev.cnbfarm.lifecycle.toml.Toml;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The analyzer's part of detect-worker (design.md §6 "analyze"; platform.md "analyzer" outputs):
 * the run image (the request's override, else the builder's run.toml's first image) resolved
 * through the store to a digest reference with its target, and analyzed.toml written the way the
 * analyzer writes it, with {@code [build-image] reference} the pinned builder, and, when the request
 * names a previous image that exists, its digest reference as {@code [image] reference} and its
 * layers' metadata as {@code [metadata]}, read as the analyzer reads them ({@link PreviousAppImage}),
 * so the build role restores and reuses its layers. Stateless.
 */
final class Analysis {
  /** The run image labels the reference analyzer reads the target's distro from. */
  static final String DISTRO_NAME = "io.buildpacks.base.distro.name";

  static final String DISTRO_VERSION = "io.buildpacks.base.distro.version";

  private Analysis() {}

  /** The run image as named and as pinned. */
  record RunImage(String name, ImageRef pinned) {}

  /** Resolves the run image and writes {@code analyzed}. */
  static RunImage write(ImageStore store, Optional<String> override, Path runToml, ImageRef builder,
      Optional<PreviousAppImage> previous, Path analyzed) {
    String name = override.filter(s -> !s.isBlank()).orElseGet(() -> firstRunImage(runToml));
    Image run = store.read(parse(name, "run image"));
    Map<String, Object> target = new LinkedHashMap<>();
    Platform platform = run.config().platform();
    target.put("os", platform.os());
    target.put("arch", platform.architecture());
    if (!platform.variant().isEmpty()) {
      target.put("arch-variant", platform.variant());
    }
    String distro = run.config().labels().getOrDefault(DISTRO_NAME, "");
    if (!distro.isEmpty()) {
      Map<String, Object> d = new LinkedHashMap<>();
      d.put("name", distro);
      d.put("version", run.config().labels().getOrDefault(DISTRO_VERSION, ""));
      target.put("distro", d);
    }
    Map<String, Object> runImage = new LinkedHashMap<>();
    runImage.put("image", name);
    runImage.put("reference", run.pinnedRef().toString());
    runImage.put("target", target);
    Map<String, Object> buildImage = new LinkedHashMap<>();
    buildImage.put("reference", builder.toString());
    Map<String, Object> tree = new LinkedHashMap<>();
    previous.ifPresent(p -> {
      Map<String, Object> image = p.into(Analyzed.empty()).toToml();
      tree.put("image", image.get("image"));
      tree.put("metadata", image.get("metadata"));
    });
    tree.put("run-image", runImage);
    tree.put("build-image", buildImage);
    Toml.write(analyzed, tree);
    return new RunImage(name, run.pinnedRef());
  }

  /** A reference taken from the request or a builder file; a bad one is the user's (INVALID_INPUT). */
  static ImageRef parse(String text, String what) {
    try {
      return ImageRef.parse(text);
    } catch (InvalidImageRefException e) {
      throw new LifecycleException(FailureCode.INVALID_INPUT, "bad " + what + " reference '" + text + "': "
          + e.getMessage(), e);
    }
  }

  private static String firstRunImage(Path runToml) {
    RunMetadata run = RunMetadata.read(runToml);
    if (run.images().isEmpty() || run.images().get(0).image().isBlank()) {
      throw new LifecycleException(FailureCode.INVALID_INPUT,
          "the builder's /cnb/run.toml names no run image and the request gives none (spec.runImage)");
    }
    return run.images().get(0).image();
  }
}
