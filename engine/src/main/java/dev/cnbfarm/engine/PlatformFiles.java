package dev.cnbfarm.engine;

import dev.cnbfarm.image.dockerfile.ImageState;
import dev.cnbfarm.image.dockerfile.SparseLayout;
import dev.cnbfarm.image.store.Image;
import dev.cnbfarm.lifecycle.api.ApiVersion;
import dev.cnbfarm.lifecycle.extend.DockerfileStep;
import dev.cnbfarm.lifecycle.extend.ExtendKind;
import dev.cnbfarm.lifecycle.platform.Analyzed;
import dev.cnbfarm.lifecycle.platform.Group;
import dev.cnbfarm.lifecycle.platform.Plan;
import dev.cnbfarm.lifecycle.export.ExportReport;
import java.nio.file.Path;
import java.util.List;

/**
 * The port through which the phases read and write the platform files (platform.md "Outputs"):
 * group.toml, plan.toml, analyzed.toml, {@code <generated>}, {@code <extended>} and report.toml. The lifecycle
 * commands use {@link PlatformDirectory}, the files where the reference lifecycle puts them; a
 * worker can keep them elsewhere. Implementations say whether they are thread-safe.
 */
public interface PlatformFiles {
  Group readGroup();

  void writeGroup(Group group);

  Plan readPlan();

  void writePlan(Plan plan);

  /** analyzed.toml; empty when there is none yet (a detector run before any analyzer). */
  Analyzed readAnalyzed();

  void writeAnalyzed(Analyzed analyzed);

  /**
   * Where {@code /bin/generate} writes: from Platform API 0.13 an extension's {@code CNB_OUTPUT_DIR}
   * is {@code <generated>/<id>} itself (extensions.md §3.6), so generate needs a real directory.
   */
  Path generatedDir();

  /**
   * Removes every output of an earlier generate (a stale build.Dockerfile would make the platform
   * extend the build image for an extension that did not run this time).
   *
   * @return what was removed, in order
   */
  List<Path> clearGenerated();

  /** The Dockerfiles of {@code kind} in {@code <generated>}, in group order (extensions.md §6.3). */
  List<DockerfileStep> dockerfiles(ApiVersion platformApi, Group group, ExtendKind kind, Path appDir);

  /** {@code <extended>}: where the run-kind extend left the extended run image, read by export. */
  Path extendedDir();

  /** Writes the exporter's report.toml (platform.md "exporter" outputs). */
  void writeReport(ExportReport report);

  /** Writes the extended run image to {@code <extended>/run/<digest>} as a sparse OCI layout. */
  SparseLayout writeExtendedRun(Image base, ImageState extended, List<String> layerOwners);
}
