package dev.cnbfarm.lifecycle.generate;

import dev.cnbfarm.lifecycle.buildpack.ModuleDescriptor;
import dev.cnbfarm.lifecycle.dockerfile.DockerfileCheck;
import dev.cnbfarm.lifecycle.dockerfile.DockerfileParser;
import dev.cnbfarm.lifecycle.dockerfile.DockerfileRules;
import dev.cnbfarm.lifecycle.failure.FailureCode;
import dev.cnbfarm.lifecycle.failure.LifecycleException;
import dev.cnbfarm.lifecycle.platform.ExtendConfig;
import dev.cnbfarm.lifecycle.report.Reporter;
import java.io.IOException;
import dev.cnbfarm.lifecycle.fs.ModuleFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Reads and validates what an extension left in its output dir (extensions.md §3.3–3.5):
 * extend-config.toml, run.Dockerfile, build.Dockerfile and the context dirs. Invalid content fails
 * with exit 92 and a message naming the file and line; non-recommended instructions are warnings.
 * Stateless.
 */
final class OutputReader {
  private OutputReader() {}

  static ExtensionOutput read(ModuleDescriptor ext, Path out, boolean contextsSupported, Reporter reporter) {
    ExtendConfig config = ExtendConfig.read(out.resolve("extend-config.toml"));
    Optional<Path> run = existing(out.resolve("run.Dockerfile"));
    Optional<DockerfileCheck> runCheck = run.map(p -> warn(DockerfileRules.checkRun(parse(p), ext.api()), reporter));
    Optional<Path> build = existing(out.resolve("build.Dockerfile"));
    build.ifPresent(p -> warn(DockerfileRules.checkBuild(parse(p)), reporter));
    boolean shared = Files.isDirectory(out.resolve("context"));
    boolean specific = Files.isDirectory(out.resolve("context.build")) || Files.isDirectory(out.resolve("context.run"));
    if (shared && specific) {
      throw new LifecycleException(FailureCode.GENERATE_ERROR, out + ": extension " + ext.coordinates()
          + ": image-specific context dir (context.build or context.run) is provided together with a shared context (context)");
    }
    if ((shared || specific) && !contextsSupported) {
      reporter.warn("extension " + ext.coordinates() + " wrote context dirs; they need Platform API 0.13 and are ignored: "
          + "the build context is the app dir");
    }
    if (config.argsFor("build").stream().anyMatch(a -> a.name().equals("base_image"))
        || config.argsFor("run").stream().anyMatch(a -> a.name().equals("base_image"))) {
      reporter.warn(out.resolve("extend-config.toml") + ": arg 'base_image' is always set by the lifecycle; the extension's value is ignored");
    }
    return new ExtensionOutput(ext.id(), out, build, run, runCheck, config);
  }

  private static DockerfileCheck warn(DockerfileCheck check, Reporter reporter) {
    check.warnings().forEach(reporter::warn);
    return check;
  }

  private static Optional<Path> existing(Path p) {
    // A symlink is passed on, so that reading it fails clearly instead of it being ignored.
    return Files.exists(p, java.nio.file.LinkOption.NOFOLLOW_LINKS) && !ModuleFiles.isDirectory(p)
        ? Optional.of(p) : Optional.empty();
  }

  private static dev.cnbfarm.lifecycle.dockerfile.Dockerfile parse(Path p) {
    try {
      return DockerfileParser.parse(ModuleFiles.readString(p), p.toString());
    } catch (ModuleFiles.InvalidTextException e) {
      throw new LifecycleException(FailureCode.GENERATE_ERROR, e.getMessage(), e);
    } catch (IOException e) {
      throw new LifecycleException(FailureCode.GENERATE_ERROR, p + ": cannot read: " + e.getMessage(), e);
    }
  }
}
