package dev.cnbfarm.bench;

import dev.cnbfarm.engine.extend.ExtendWorkspace;
import dev.cnbfarm.cli.lifecycle.PhaseRecords;
import dev.cnbfarm.engine.extend.ExtendSettings;
import dev.cnbfarm.engine.extend.ExtenderPhase;
import dev.cnbfarm.image.ref.ImageRef;
import dev.cnbfarm.image.store.ImageStore;
import dev.cnbfarm.lifecycle.api.ApiVersion;
import dev.cnbfarm.lifecycle.phase.PhaseInputs;
import dev.cnbfarm.lifecycle.report.Reporter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * A minimal {@code <layers>} tree for {@code extender -kind run}: an analyzed.toml whose run image
 * is the benchmark base, a group of one buildpack and one extension, and that extension's
 * run.Dockerfile under {@code generated/}. {@link #extend} drives the real {@link ExtenderPhase}
 * in-process. Not thread-safe.
 */
final class ExtendFixture {
  static final String EXTENSION = "bench/tools";

  /** The benchmark's Dockerfile: 3 RUN steps, then a non-root user (a run image may not end as root). */
  static String dockerfile(int blobMegabytes, boolean withApt) {
    StringBuilder df = new StringBuilder("ARG base_image\nFROM ${base_image}\n");
    if (withApt) {
      df.append("RUN apt-get update && apt-get install -y --no-install-recommends jq\n");
    }
    df.append("RUN dd if=/dev/urandom of=/opt/blob bs=1M count=").append(blobMegabytes).append(" status=none\n");
    if (withApt) {
      df.append("RUN rm -rf /usr/share/doc /var/lib/apt/lists/*\n");
    }
    return df.append("USER 1000:1000\n").toString();
  }

  private final Path layers;

  /** Writes the tree under {@code layers}, replacing what was there. */
  ExtendFixture(Path layers, ImageRef base, String dockerfile) {
    this.layers = layers;
    try {
      DebianBase.delete(layers);
      Path ext = Files.createDirectories(layers.resolve("generated").resolve(EXTENSION.replace('/', '_')));
      Files.writeString(ext.resolve("run.Dockerfile"), dockerfile);
      Files.createDirectories(layers.resolve("app"));
      Files.writeString(layers.resolve("analyzed.toml"), "[run-image]\nreference = \"" + base + "\"\nextend = true\n");
      Files.writeString(layers.resolve("group.toml"), String.join("\n",
          "[[group]]", "id = \"bench/bp\"", "version = \"1\"", "api = \"0.10\"",
          "[[group-extensions]]", "id = \"" + EXTENSION + "\"", "version = \"1\"", "api = \"0.11\"", ""));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the extend fixture under " + layers, e);
    }
  }

  Path dockerfilePath() {
    return layers.resolve("generated").resolve(EXTENSION.replace('/', '_')).resolve("run.Dockerfile");
  }

  /**
   * One {@code extender -kind run} into a fresh {@code <layers>/extended}.
   *
   * @param cacheTtl {@code -kaniko-cache-ttl}: {@code 0s} makes every cached layer a miss
   */
  ExtenderPhase.Outcome extend(ImageStore store, ExtendWorkspace workspace, String cacheTtl, Reporter reporter) {
    DebianBase.delete(layers.resolve("extended"));
    Map<String, String> flags = Map.of("kind", "run", "layers", layers.toString(), "app",
        layers.resolve("app").toString(), "kaniko-cache-ttl", cacheTtl);
    PhaseInputs in = new PhaseInputs(flags, Map.of(), ApiVersion.of(0, 13));
    return new ExtenderPhase(store, workspace, PhaseRecords.files(in), reporter, Clock.systemUTC(),
        new ExtendSettings(Duration.ofMinutes(10), PhaseRecords.layerCacheTtl(in), Optional.empty()))
        .run(PhaseRecords.extend(in));
  }
}
