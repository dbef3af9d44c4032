package dev.cnbfarm.image.testing;

import dev.cnbfarm.image.export.ExportRequest;
import dev.cnbfarm.image.export.Exporter;
import dev.cnbfarm.image.ref.ImageRef;
import dev.cnbfarm.image.store.ImageStore;
import dev.cnbfarm.lifecycle.export.BuildMetadataLabel;
import dev.cnbfarm.lifecycle.platform.Analyzed;
import dev.cnbfarm.lifecycle.platform.Group;
import dev.cnbfarm.lifecycle.platform.GroupEntry;
import dev.cnbfarm.lifecycle.platform.RunMetadata;
import dev.cnbfarm.lifecycle.report.Reporter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

/**
 * Test fixture: an app image on the {@link BusyboxRunImage}, exported without a launcher file (so
 * with cnbfarm's sh launcher) to {@code oci:<dir>/out:app}. Buildpack {@code bp/a} has one launch
 * layer, {@code tools}, with {@code bin/hello} (prints GREETING, CNB_PROCESS_TYPE, pwd, uid and its
 * args) and {@code env.launch/GREETING=from env.launch}. Processes: {@code web} (default: {@code
 * hello --from-web}), {@code other} ({@code echo "other process"} in {@code /layers}) and {@code
 * fail} (exits 7).
 */
public final class ShLauncherAppImage {
  private ShLauncherAppImage() {}

  /** Exports the app image through {@code store} and returns its reference. */
  public static ImageRef export(Path dir, ImageStore store) throws IOException {
    ImageRef run = BusyboxRunImage.write(dir.resolve("run"), "true");
    Path layers = Files.createDirectories(dir.resolve("layers"));
    Path bp = Files.createDirectories(layers.resolve("bp_a"));
    Files.writeString(bp.resolve("tools.toml"), "[types]\nlaunch = true\n");
    Path bin = Files.createDirectories(bp.resolve("tools/bin"));
    Files.writeString(bin.resolve("hello"), "#!/bin/sh\n"
        + "echo \"hello GREETING=$GREETING process=$CNB_PROCESS_TYPE pwd=$(pwd) uid=$(id -u) args=$*\"\n");
    Files.setPosixFilePermissions(bin.resolve("hello"), PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.createDirectories(bp.resolve("tools/env.launch"));
    Files.writeString(bp.resolve("tools/env.launch/GREETING"), "from env.launch");
    Files.createDirectories(layers.resolve("config"));
    Files.writeString(layers.resolve("config/metadata.toml"), """
        buildpack-default-process-type = "web"
        [[buildpacks]]
        id = "bp/a"
        version = "1.0"
        api = "0.10"
        [[processes]]
        type = "web"
        command = ["hello"]
        args = ["--from-web"]
        direct = true
        default = true
        buildpack-id = "bp/a"
        [[processes]]
        type = "other"
        command = ["echo", "other process"]
        args = []
        direct = true
        working-dir = "/layers"
        buildpack-id = "bp/a"
        [[processes]]
        type = "fail"
        command = ["sh", "-c", "exit 7"]
        args = []
        direct = true
        buildpack-id = "bp/a"
        """);
    Path appDir = Files.createDirectories(dir.resolve("app"));
    Files.writeString(appDir.resolve("index.html"), "hello\n");
    ImageRef target = ImageRef.parse("oci:" + dir.resolve("out") + ":app");
    Analyzed analyzed = Analyzed.parse("[run-image]\nreference = \"" + store.read(run).pinnedRef() + "\"\n",
        "analyzed.toml");
    new Exporter(store, Reporter.NONE).export(new ExportRequest(layers, appDir, dir.resolve("no-launcher"),
        layers.resolve("project-metadata.toml"), layers.resolve("extended"), analyzed,
        new Group(List.of(new GroupEntry("bp/a", "1.0", "0.10", "")), List.of()), new RunMetadata(List.of()),
        new BuildMetadataLabel.Launcher("", "", ""), List.of(target), 1000, 1000, "0.13"));
    return target;
  }
}
