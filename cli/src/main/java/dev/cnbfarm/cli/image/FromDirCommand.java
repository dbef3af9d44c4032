package dev.cnbfarm.cli.image;

import dev.cnbfarm.cli.console.GoFlags;
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
import java.util.Set;

/**
 * {@code cnbfarm image from-dir <rootfs> <image>}: makes a one-layer image from a directory tree,
 * with no Docker: one reproducible layer (modes, owners, symlinks kept), a config with the given
 * user, env and labels, pushed to a registry or written to an {@code oci:} layout. Handy for base
 * images of builders and run images (e.g. from debootstrap or busybox-static).
 */
public final class FromDirCommand {
  private final PrintStream out;

  public FromDirCommand(PrintStream out) {
    this.out = out;
  }

  public int run(String[] args) {
    try {
      GoFlags flags = GoFlags.parse(args, Set.of("user", "env", "label", "workdir"), Set.of());
      if (flags.positional().size() != 2) {
        throw new LifecycleException(FailureCode.INVALID_ARGS,
            "usage: cnbfarm image from-dir [-user U] [-env K=V,...] [-label k=v,...] [-workdir D] <rootfs-dir> <image-ref>");
      }
      Path root = Path.of(flags.positional().get(0)).toAbsolutePath();
      if (!Files.isDirectory(root)) {
        throw new LifecycleException(FailureCode.INVALID_ARGS, root + " is not a directory");
      }
      ImageRef ref = ImageRef.parse(flags.positional().get(1));
      Path tmp = Files.createTempDirectory("cnbfarm-from-dir");
      LayerBlob layer = LayerWriter.of().writeTree(root, tmp.resolve("layer.tar.gz"));
      ImageConfig config = ImageConfig.empty(Platform.LINUX_AMD64)
          .withLayer(layer.diffId(), new ImageConfig.History(NormalisedTime.IMAGE_CREATED, "cnbfarm image from-dir", "", false))
          .withEnv(list(flags.values().getOrDefault("env", "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin")))
          .withLabels(map(flags.values().getOrDefault("label", "")));
      if (flags.values().containsKey("user")) {
        config = config.withUser(flags.values().get("user"));
      }
      if (flags.values().containsKey("workdir")) {
        config = config.withWorkingDir(flags.values().get("workdir"));
      }
      ImageStore store = RoutingImageStore.withDefaults();
      store.pushBlob(ref, layer);
      Digest digest = ImageAssembly.of(config, List.of(Descriptor.of(MediaTypes.OCI_LAYER_GZIP, layer.digest(),
          layer.size()))).pushTo(store, ref);
      Files.deleteIfExists(layer.file());
      Files.deleteIfExists(tmp);
      out.println(ref + " " + digest + " (" + layer.size() + " bytes compressed)");
      return 0;
    } catch (LifecycleException e) {
      out.println("ERROR: " + e.getMessage());
      return e.code().exitCode();
    } catch (IOException | RuntimeException e) {
      out.println("ERROR: " + e.getMessage());
      return 1;
    }
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
