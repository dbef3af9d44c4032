package dev.cnbfarm.engine.export;

import dev.cnbfarm.lifecycle.failure.FailureCode;
import dev.cnbfarm.lifecycle.failure.LifecycleException;
import dev.cnbfarm.lifecycle.fs.ModuleFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * The exporter's {@code -sbom-output-dir} (cnbfarm's; pack's {@code --sbom-output-dir}): copies the
 * SBOMs the builder laid out in {@code <layers>/sbom/{launch,build,cache}} to a directory of the
 * platform's, in the same layout, so the build SBOMs ({@code build}), which are in no image, are
 * kept. Only regular files and directories are copied, links never followed. Stateless.
 */
public final class SbomOutput {
  private SbomOutput() {}

  /** Copies; returns how many files. A missing {@code <layers>/sbom} copies nothing. */
  public static int copy(Path layers, Path outputDir) {
    int count = 0;
    for (String kind : List.of("launch", "build", "cache")) {
      Path from = layers.resolve("sbom").resolve(kind);
      if (!Files.isDirectory(from, LinkOption.NOFOLLOW_LINKS)) {
        continue;
      }
      try (Stream<Path> walk = Files.walk(from)) {
        for (Path p : walk.toList()) {
          Path to = outputDir.resolve(kind).resolve(from.relativize(p).toString());
          if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
            Files.createDirectories(to);
          } else if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
            ModuleFiles.copyFile(p, to);
            count++;
          }
        }
      } catch (IOException e) {
        throw new LifecycleException(FailureCode.EXPORT_ERROR, "cannot copy the SBOMs of " + from + " to -sbom-output-dir "
            + outputDir + ": " + e.getMessage(), e);
      }
    }
    return count;
  }
}
