package dev.cnbfarm.cli.image;

import dev.cnbfarm.cli.console.FailurePolicy;
import dev.cnbfarm.cli.console.Failures;
import dev.cnbfarm.cli.console.HelpFlag;
import dev.cnbfarm.image.layer.LayerBlob;
import dev.cnbfarm.image.layer.LayerWriter;
import dev.cnbfarm.image.layer.NormalisedTime;
import dev.cnbfarm.image.ref.Digest;
import dev.cnbfarm.image.ref.ImageRef;
import dev.cnbfarm.image.store.Descriptor;
import dev.cnbfarm.image.store.ImageConfig;
import dev.cnbfarm.image.store.ImageStore;
import dev.cnbfarm.image.store.ImageAssembly;
import dev.cnbfarm.image.store.MediaTypes;
import dev.cnbfarm.image.store.Platform;
import dev.cnbfarm.image.store.RoutingImageStore;
import dev.cnbfarm.lifecycle.failure.FailureCode;
import dev.cnbfarm.lifecycle.failure.LifecycleException;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code cnbfarm image from-dir <rootfs> <image>}: makes a one-layer image from a directory tree,
 * with no Docker: one reproducible layer (modes, owners, symlinks kept), a config with the given
 * user, env and labels, pushed to a registry or written to an {@code oci:} layout. Handy for base
 * images of builders and run images (e.g. from debootstrap or busybox-static).
 */
@Command(name = "from-dir", customSynopsis = FromDirCommand.SYNOPSIS,
    description = "A one-layer image from a directory (modes, owners, symlinks kept; reproducible), pushed to a "
        + "registry or written to oci:<dir>[:tag].")
public final class FromDirCommand implements Callable<Integer>, FailurePolicy {
  static final String SYNOPSIS =
      "cnbfarm image from-dir [-user U] [-env K=V,...] [-label k=v,...] [-workdir D] <rootfs-dir> <image-ref>";

  private final PrintStream out;
  private final Supplier<ImageStore> store;
  @Mixin
  private HelpFlag help;
  @Option(names = {"-user", "--user"}, paramLabel = "U", description = "the image's User")
  private String user;
  @Option(names = {"-env", "--env"}, paramLabel = "K=V,...",
      description = "the image's Env (default PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin)")
  private String env = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
  @Option(names = {"-label", "--label"}, paramLabel = "k=v,...", description = "the image's labels")
  private String label = "";
  @Option(names = {"-workdir", "--workdir"}, paramLabel = "D", description = "the image's WorkingDir")
  private String workdir;
  @Parameters(index = "0", paramLabel = "<rootfs-dir>", description = "the directory tree of the layer")
  private Path dir;
  @Parameters(index = "1", paramLabel = "<image-ref>", description = "a registry reference or oci:<dir>[:tag]")
  private String image;

  public FromDirCommand(PrintStream out) {
    this(out, RoutingImageStore::withDefaults);
  }

  public FromDirCommand(PrintStream out, Supplier<ImageStore> store) {
    this.out = out;
    this.store = store;
  }

  /** Runs {@code cnbfarm image from-dir} with these arguments; returns its exit code. */
  public int run(String[] args) {
    return Failures.install(new CommandLine(this).setCommandName("cnbfarm image from-dir"), out).execute(args);
  }

  @Override
  public Integer call() throws IOException {
    Path root = dir.toAbsolutePath();
    if (!Files.isDirectory(root)) {
      throw new LifecycleException(FailureCode.INVALID_ARGS, root + " is not a directory");
    }
    ImageRef ref = ImageRef.parse(image);
    Path tmp = Files.createTempDirectory("cnbfarm-from-dir");
    LayerBlob layer = LayerWriter.of().writeTree(root, tmp.resolve("layer.tar.gz"));
    ImageConfig config = ImageConfig.empty(Platform.LINUX_AMD64)
        .withLayer(layer.diffId(), new ImageConfig.History(NormalisedTime.IMAGE_CREATED, "cnbfarm image from-dir", "", false))
        .withEnv(list(env))
        .withLabels(map(label));
    if (user != null) {
      config = config.withUser(user);
    }
    if (workdir != null) {
      config = config.withWorkingDir(workdir);
    }
    ImageStore images = store.get();
    images.pushBlob(ref, layer);
    Digest digest = ImageAssembly.of(config, List.of(Descriptor.of(MediaTypes.OCI_LAYER_GZIP, layer.digest(),
        layer.size()))).pushTo(images, ref);
    Files.deleteIfExists(layer.file());
    Files.deleteIfExists(tmp);
    out.println(ref + " " + digest + " (" + layer.size() + " bytes compressed)");
    return 0;
  }

  @Override
  public PrintStream errors() {
    return out;
  }

  @Override
  public String name() {
    return "image from-dir";
  }

  @Override
  public int failureExit() {
    return 1;
  }

  private static List<String> list(String csv) {
    List<String> out = new ArrayList<>();
    for (String s : csv.split(",")) {
      if (!s.isBlank()) {
        out.add(s.trim());
      }
    }
    return out;
  }

  private static Map<String, String> map(String csv) {
    Map<String, String> out = new LinkedHashMap<>();
    for (String kv : list(csv)) {
      int eq = kv.indexOf('=');
      out.put(eq < 0 ? kv : kv.substring(0, eq), eq < 0 ? "" : kv.substring(eq + 1));
    }
    return out;
  }
}
