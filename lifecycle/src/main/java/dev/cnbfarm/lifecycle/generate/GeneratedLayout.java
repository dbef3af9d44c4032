package dev.cnbfarm.lifecycle.generate;

import dev.cnbfarm.lifecycle.api.ApiVersion;
import dev.cnbfarm.lifecycle.buildpack.ModuleStore;
import java.io.IOException;
import dev.cnbfarm.lifecycle.fs.ModuleFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * Where generated files live (decisions.md #1; extensions.md §3.6). From Platform API 0.13 an
 * extension writes straight into {@code <generated>/<escaped-id>/} and a moot run.Dockerfile is
 * renamed {@code run.Dockerfile.ignore}. Before 0.13 it writes to a scratch dir and its files are
 * copied to {@code <generated>/<kind>/<escaped-id>/Dockerfile} (with extend-config.toml next to
 * each), a moot one as {@code Dockerfile.ignore}. Immutable.
 */
public final class GeneratedLayout {
  private final ApiVersion platformApi;
  private final Path generated;
  private final Path scratch;

  public GeneratedLayout(ApiVersion platformApi, Path generated, Path scratch) {
    this.platformApi = platformApi;
    this.generated = generated;
    this.scratch = scratch;
  }

  public boolean isPerExtension() {
    return platformApi.atLeast("0.13");
  }

  /** The extension's {@code CNB_OUTPUT_DIR}. */
  public Path outputDir(String extensionId) {
    return (isPerExtension() ? generated : scratch.resolve("generate-output")).resolve(ModuleStore.escape(extensionId));
  }

  /** Moves the outputs to their final place and marks moot run.Dockerfiles. */
  public void publish(List<ExtensionOutput> outputs, RunImageChoice choice) throws IOException {
    for (ExtensionOutput o : outputs) {
      boolean ignored = choice.ignored().contains(o.extensionId());
      if (isPerExtension()) {
        if (ignored) {
          Path run = o.runDockerfile().orElseThrow();
          Files.move(run, run.resolveSibling("run.Dockerfile.ignore"), StandardCopyOption.REPLACE_EXISTING);
        }
        continue;
      }
      String dir = ModuleStore.escape(o.extensionId());
      if (o.hasBuild()) {
        copy(o, o.buildDockerfile().get(), generated.resolve("build").resolve(dir), "Dockerfile");
      }
      if (o.hasRun()) {
        copy(o, o.runDockerfile().get(), generated.resolve("run").resolve(dir), ignored ? "Dockerfile.ignore" : "Dockerfile");
      }
    }
  }

  private static void copy(ExtensionOutput o, Path dockerfile, Path dir, String name) throws IOException {
    Files.createDirectories(dir);
    ModuleFiles.copyFile(dockerfile, dir.resolve(name));
    Path config = o.outputDir().resolve("extend-config.toml");
    if (Files.exists(config, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      ModuleFiles.copyFile(config, dir.resolve("extend-config.toml"));
    }
  }
}
