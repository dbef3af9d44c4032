package dev.cnbfarm.lifecycle.export;

import dev.cnbfarm.lifecycle.failure.FailureCode;
import dev.cnbfarm.lifecycle.toml.Toml;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The {@code io.buildpacks.project.metadata} label: {@code project-metadata.toml} as JSON (keys
 * sorted), or {@code {}} when the file is absent. Stateless.
 */
public final class ProjectMetadataLabel {
  public static final String LABEL = "io.buildpacks.project.metadata";

  private ProjectMetadataLabel() {}

  /** The label value for {@code file}; a malformed file is an export error (exit 62). */
  public static String read(Path file) {
    if (!Files.exists(file)) {
      return LabelJson.write(Map.of());
    }
    return LabelJson.write(Toml.read(file, FailureCode.EXPORT_ERROR).asMap());
  }
}
