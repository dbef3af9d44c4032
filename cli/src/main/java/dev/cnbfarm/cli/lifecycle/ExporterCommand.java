package dev.cnbfarm.cli.lifecycle;

import dev.cnbfarm.image.export.ExportRequest;
import dev.cnbfarm.image.export.ExportResult;
import dev.cnbfarm.image.export.Exporter;
import dev.cnbfarm.image.ref.ImageRef;
import dev.cnbfarm.image.ref.InvalidImageRefException;
import dev.cnbfarm.image.store.BlobPush;
import dev.cnbfarm.image.store.ImageStore;
import dev.cnbfarm.image.store.RoutingImageStore;
import dev.cnbfarm.lifecycle.export.BuildMetadataLabel;
import dev.cnbfarm.lifecycle.failure.FailureCode;
import dev.cnbfarm.lifecycle.failure.LifecycleException;
import dev.cnbfarm.lifecycle.phase.PhaseInputs;
import dev.cnbfarm.lifecycle.platform.Analyzed;
import dev.cnbfarm.lifecycle.platform.Group;
import dev.cnbfarm.lifecycle.platform.RunMetadata;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * {@code cnbfarm lifecycle exporter [flags] <image> [<image>...]}: the reference lifecycle's
 * exporter, metadata-only (design.md §4). The first image is the app image; the others are extra
 * tags of the same manifest. Registries or {@code oci:} layouts; no daemon. Export failures exit 62.
 */
public final class ExporterCommand {
  static final Set<String> FLAGS = Set.of("app", "layers", "group", "analyzed", "run", "extended", "launcher", "report",
      "uid", "gid", "log-level", "project-metadata");

  private final Map<String, String> env;
  private final PrintStream out;
  private final Supplier<ImageStore> store;

  public ExporterCommand(Map<String, String> env, PrintStream out) {
    this(env, out, RoutingImageStore::withDefaults);
  }

  ExporterCommand(Map<String, String> env, PrintStream out, Supplier<ImageStore> store) {
    this.env = env;
    this.out = out;
    this.store = store;
  }

  public int run(String[] args) {
    return PhaseCommandRunner.runWithArgs("exporter", args, FLAGS, env, out, FailureCode.EXPORT_ERROR,
        (in, images, reporter) -> {
          if (images.isEmpty()) {
            throw new LifecycleException(FailureCode.INVALID_ARGS, "at least one image name is required: "
                + "cnbfarm lifecycle exporter [flags] <image> [<image>...]");
          }
          ExportRequest request = request(in, images);
          ExportResult result = new Exporter(store.get(), reporter).export(request);
          Path report = in.layersPath("report", "CNB_REPORT_PATH", "report.toml");
          result.report().write(report);
          reporter.info("*** Digest: " + result.digest());
          reporter.debug("layer blobs: uploaded " + result.count(BlobPush.Outcome.UPLOADED) + ", mounted "
              + result.count(BlobPush.Outcome.MOUNTED) + ", already present " + result.count(BlobPush.Outcome.EXISTED));
          return 0;
        });
  }

  private static ExportRequest request(PhaseInputs in, List<String> images) {
    List<ImageRef> targets = new ArrayList<>();
    for (String image : images) {
      try {
        targets.add(ImageRef.parse(image));
      } catch (InvalidImageRefException e) {
        throw new LifecycleException(FailureCode.INVALID_ARGS, "bad image name '" + image + "': " + e.getMessage(), e);
      }
    }
    Path layers = in.layers();
    return new ExportRequest(layers, in.path("app", "CNB_APP_DIR", "/workspace"),
        in.path("launcher", "CNB_LAUNCHER_PATH", "/cnb/lifecycle/launcher"),
        in.layersPath("project-metadata", "CNB_PROJECT_METADATA_PATH", "project-metadata.toml"),
        in.layersPath("extended", "CNB_EXTENDED_DIR", "extended"),
        Analyzed.read(in.layersPath("analyzed", "CNB_ANALYZED_PATH", "analyzed.toml")),
        Group.read(in.layersPath("group", "CNB_GROUP_PATH", "group.toml")),
        RunMetadata.read(in.path("run", "CNB_RUN_PATH", "/cnb/run.toml")),
        new BuildMetadataLabel.Launcher("", "", ""), targets,
        id(in, "uid", "CNB_USER_ID"), id(in, "gid", "CNB_GROUP_ID"), in.platformApi().toString());
  }

  private static int id(PhaseInputs in, String flag, String envVar) {
    String text = in.value(flag, envVar, "");
    if (text.isEmpty()) {
      throw new LifecycleException(FailureCode.INVALID_ARGS, "-" + flag + " (or " + envVar + ") is required");
    }
    try {
      int v = Integer.parseInt(text);
      if (v >= 0) {
        return v;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new LifecycleException(FailureCode.INVALID_ARGS, "-" + flag + " '" + text + "' is not a user or group id");
  }
}
