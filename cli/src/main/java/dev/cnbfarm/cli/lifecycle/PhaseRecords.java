package dev.cnbfarm.cli.lifecycle;

import dev.cnbfarm.engine.PlatformDirectory;
import dev.cnbfarm.engine.build.BuildInputs;
import dev.cnbfarm.engine.detect.DetectInputs;
import dev.cnbfarm.engine.export.ExportInputs;
import dev.cnbfarm.engine.extend.ExtendInputs;
import dev.cnbfarm.engine.analyze.AnalyzeInputs;
import dev.cnbfarm.engine.restore.RestoreInputs;
import dev.cnbfarm.image.cache.BuildCache;
import dev.cnbfarm.image.cache.ImageCache;
import dev.cnbfarm.image.cache.VolumeCache;
import dev.cnbfarm.image.store.ImageStore;
import dev.cnbfarm.image.store.ImageStoreException;
import dev.cnbfarm.image.ref.ImageRef;
import dev.cnbfarm.image.ref.LayoutRef;
import dev.cnbfarm.image.ref.RegistryRef;
import dev.cnbfarm.image.ref.InvalidImageRefException;
import dev.cnbfarm.lifecycle.extend.ExtendKind;
import dev.cnbfarm.lifecycle.env.BuildEnv;
import dev.cnbfarm.lifecycle.failure.FailureCode;
import dev.cnbfarm.lifecycle.failure.LifecycleException;
import dev.cnbfarm.lifecycle.phase.GoDuration;
import dev.cnbfarm.lifecycle.phase.PhaseFlag;
import dev.cnbfarm.lifecycle.phase.PhaseInputs;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * Resolves the commands' raw flags and env ({@link PhaseInputs}) into the engine's typed inputs,
 * through the one table {@link PhaseFlag}: the only place where a phase input is looked up by
 * name. A flag newer than the Platform API exits 3, as the reference lifecycle. Stateless.
 */
public final class PhaseRecords {
  private PhaseRecords() {}

  /** The detector's inputs; {@code -build-config} needs Platform API 0.11, {@code -run} 0.12. */
  public static DetectInputs detect(PhaseInputs in) {
    requireApi(in, PhaseFlag.BUILD_CONFIG, PhaseFlag.RUN, PhaseFlag.SYSTEM);
    return new DetectInputs(in.platformApi(), PhaseFlag.APP.path(in), PhaseFlag.BUILDPACKS.path(in),
        PhaseFlag.EXTENSIONS.path(in), PhaseFlag.ORDER.path(in), PhaseFlag.PLATFORM.path(in),
        PhaseFlag.BUILD_CONFIG.path(in), PhaseFlag.RUN.path(in), experimentalMode(in), in.environment(),
        PhaseFlag.SYSTEM.path(in));
  }

  /** The builder's inputs; {@code -build-config} needs Platform API 0.11. */
  public static BuildInputs build(PhaseInputs in) {
    requireApi(in, PhaseFlag.BUILD_CONFIG);
    return new BuildInputs(in.platformApi(), PhaseFlag.APP.path(in), PhaseFlag.BUILDPACKS.path(in),
        PhaseFlag.EXTENSIONS.path(in), PhaseFlag.LAYERS.path(in), PhaseFlag.PLATFORM.path(in),
        PhaseFlag.BUILD_CONFIG.path(in), in.environment());
  }

  /**
   * The extender's inputs; {@code -kind} and {@code -extended} need Platform API 0.12. {@code
   * -uid}/{@code -gid} only matter to the build kind, so only it checks they are numbers.
   */
  public static ExtendInputs extend(PhaseInputs in) {
    requireApi(in, PhaseFlag.KIND, PhaseFlag.EXTENDED);
    ExtendKind kind = ExtendKind.parse(PhaseFlag.KIND.value(in));
    OptionalInt uid = OptionalInt.empty();
    OptionalInt gid = OptionalInt.empty();
    if (kind == ExtendKind.BUILD) {
      uid = number(in, PhaseFlag.UID);
      gid = number(in, PhaseFlag.GID);
    }
    return new ExtendInputs(in.platformApi(), kind, PhaseFlag.APP.path(in), PhaseFlag.LAYERS.path(in),
        PhaseFlag.PLATFORM.path(in), PhaseFlag.BUILDPACKS.path(in), PhaseFlag.EXTENSIONS.path(in),
        PhaseFlag.BUILD_CONFIG.path(in), PhaseFlag.BUILD_IMAGE.explicit(in), uid, gid, experimentalMode(in));
  }

  /**
   * The exporter's inputs: {@code images} are the app image and its extra tags; {@code -uid} and
   * {@code -gid} (or {@code CNB_USER_ID}, {@code CNB_GROUP_ID}) are required.
   */
  public static ExportInputs export(PhaseInputs in, List<String> images) {
    if (images.isEmpty()) {
      throw new LifecycleException(FailureCode.INVALID_ARGS, "at least one image name is required: "
          + "cnbfarm lifecycle exporter [flags] <image> [<image>...]");
    }
    List<ImageRef> targets = new ArrayList<>();
    for (String image : images) {
      try {
        targets.add(ImageRef.parse(image));
      } catch (InvalidImageRefException e) {
        throw new LifecycleException(FailureCode.INVALID_ARGS, "bad image name '" + image + "': " + e.getMessage(), e);
      }
    }
    // Platform API 0.15: the image is labelled with CNB_EXEC_ENV (default production), as the reference's
    String execEnv = in.platformApi().atLeast("0.15") ? BuildEnv.execEnv(in.environment()) : "";
    return new ExportInputs(in.platformApi(), PhaseFlag.LAYERS.path(in), PhaseFlag.APP.path(in),
        PhaseFlag.LAUNCHER.path(in), PhaseFlag.PROJECT_METADATA.path(in), PhaseFlag.RUN.path(in), targets,
        requiredId(in, PhaseFlag.UID), requiredId(in, PhaseFlag.GID), execEnv);
  }

  /**
   * The analyzer's inputs: one image, the output; {@code -layout}/{@code -layout-dir} (0.12+) make
   * every image name an {@code oci:} layout under the layout dir, as the reference's {@code
   * layout.ParseRefToPath} ({@code <dir>/<registry>/<repository>/<tag>}); {@code -daemon} is refused.
   */
  public static AnalyzeInputs analyze(PhaseInputs in, List<String> images) {
    requireApi(in, PhaseFlag.LAYOUT, PhaseFlag.LAYOUT_DIR, PhaseFlag.RUN, PhaseFlag.INSECURE_REGISTRY);
    if (images.size() != 1) {
      throw new LifecycleException(FailureCode.INVALID_ARGS, "received " + images.size()
          + " arguments, but expected 1: cnbfarm lifecycle analyzer [flags] <image>");
    }
    if (bool(in, PhaseFlag.DAEMON)) {
      throw new LifecycleException(FailureCode.INVALID_ARGS, "-daemon (CNB_USE_DAEMON) is not supported: cnbfarm "
          + "has no Docker daemon; name a registry image or use -layout");
    }
    Optional<Path> layoutDir = Optional.empty();
    if (bool(in, PhaseFlag.LAYOUT)) {
      layoutDir = Optional.of(PhaseFlag.LAYOUT_DIR.explicit(in).map(d -> Path.of(d).toAbsolutePath().normalize())
          .orElseThrow(() -> new LifecycleException(FailureCode.INVALID_ARGS,
              "-layout needs -layout-dir (or CNB_LAYOUT_DIR)")));
    }
    Optional<Path> layout = layoutDir;
    List<ImageRef> tags = new ArrayList<>();
    for (String tag : PhaseFlag.TAG.explicit(in).map(t -> List.of(t.split(","))).orElse(List.of())) {
      tags.add(image(tag, "-tag", layout));
    }
    return new AnalyzeInputs(in.platformApi(), PhaseFlag.LAYERS.path(in), PhaseFlag.RUN.path(in),
        image(images.get(0), "output image", layout), tags,
        PhaseFlag.PREVIOUS_IMAGE.explicit(in).map(p -> image(p, "-previous-image", layout)),
        PhaseFlag.RUN_IMAGE.explicit(in).map(r -> layout.isPresent() ? image(r, "-run-image", layout).toString() : r),
        PhaseFlag.CACHE_IMAGE.explicit(in).map(c -> image(c, "-cache-image", Optional.empty())),
        bool(in, PhaseFlag.SKIP_LAYERS), number(in, PhaseFlag.UID), number(in, PhaseFlag.GID));
  }

  /** {@code -insecure-registry} (repeatable) or {@code CNB_INSECURE_REGISTRIES} (comma-separated). */
  public static Set<String> insecureRegistries(PhaseInputs in) {
    return PhaseFlag.INSECURE_REGISTRY.explicit(in).map(v -> Set.copyOf(List.of(v.split(",")).stream()
        .map(String::trim).filter(h -> !h.isEmpty()).toList())).orElse(Set.of());
  }

  /** {@code -sbom-output-dir} (cnbfarm's, as pack's {@code --sbom-output-dir}), when given. */
  public static Optional<Path> sbomOutputDir(PhaseInputs in) {
    return PhaseFlag.SBOM_OUTPUT_DIR.explicit(in).map(d -> Path.of(d).toAbsolutePath().normalize());
  }

  private static boolean bool(PhaseInputs in, PhaseFlag flag) {
    String v = flag.value(in);
    if (v.equals("true") || v.equals("1")) {
      return true;
    }
    if (v.isEmpty() || v.equals("false") || v.equals("0")) {
      return false;
    }
    throw new LifecycleException(FailureCode.INVALID_ARGS, "-" + flag.flag() + " '" + v + "' is not true or false");
  }

  private static ImageRef image(String name, String what, Optional<Path> layoutDir) {
    ImageRef ref;
    try {
      ref = ImageRef.parse(name);
    } catch (InvalidImageRefException e) {
      throw new LifecycleException(FailureCode.INVALID_ARGS, "bad " + what + " '" + name + "': " + e.getMessage(), e);
    }
    if (layoutDir.isPresent() && ref instanceof RegistryRef r) {
      Path dir = layoutDir.get().resolve(r.registry()).resolve(r.repository());
      dir = r.digest().isPresent() ? dir.resolve(r.digest().get().algorithm()).resolve(r.digest().get().hex())
          : dir.resolve(r.tag().orElse("latest"));
      return LayoutRef.of(dir, Optional.empty(), Optional.empty());
    }
    return ref;
  }

  private static int requiredId(PhaseInputs in, PhaseFlag flag) {
    String text = flag.value(in);
    if (text.isEmpty()) {
      throw new LifecycleException(FailureCode.INVALID_ARGS, "-" + flag.flag() + " (or " + flag.envVar() + ") is required");
    }
    try {
      int v = Integer.parseInt(text);
      if (v >= 0) {
        return v;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new LifecycleException(FailureCode.INVALID_ARGS, "-" + flag.flag() + " '" + text + "' is not a user or group id");
  }

  /**
   * The restorer's inputs: {@code -build-image} needs Platform API 0.10, {@code -generated} 0.12,
   * {@code -insecure-registry} 0.13, {@code -run} 0.14 (the reference defines them only from there).
   */
  public static RestoreInputs restore(PhaseInputs in) {
    requireApi(in, PhaseFlag.INSECURE_REGISTRY);
    in.requireApi(PhaseFlag.GENERATED.flag(), "0.12");
    in.requireApi(PhaseFlag.RUN.flag(), "0.14");
    return new RestoreInputs(in.platformApi(), PhaseFlag.LAYERS.path(in), bool(in, PhaseFlag.SKIP_LAYERS),
        PhaseFlag.BUILD_IMAGE.explicit(in), number(in, PhaseFlag.UID), number(in, PhaseFlag.GID));
  }

  /**
   * The build cache the flags name: {@code -cache-image} (a registry or {@code oci:} reference),
   * else {@code -cache-dir} (which must exist), else none. A cache that cannot be opened fails
   * with {@code code} (42 restorer, 62 exporter).
   */
  public static Optional<BuildCache> cache(PhaseInputs in, ImageStore store, FailureCode code) {
    Optional<String> image = PhaseFlag.CACHE_IMAGE.explicit(in);
    if (image.isPresent()) {
      ImageRef ref;
      try {
        ref = ImageRef.parse(image.get());
      } catch (InvalidImageRefException e) {
        throw new LifecycleException(FailureCode.INVALID_ARGS, "bad cache image '" + image.get() + "': " + e.getMessage(), e);
      }
      try {
        return Optional.of(ImageCache.open(store, ref));
      } catch (ImageStoreException e) {
        throw new LifecycleException(code, e.category(), "create image cache: accessing cache image " + ref + ": "
            + e.getMessage(), e);
      }
    }
    return PhaseFlag.CACHE_DIR.explicit(in).map(d -> VolumeCache.open(Path.of(d).toAbsolutePath().normalize(), code));
  }

  /** The platform files where the flags, env vars and defaults put them. */
  public static PlatformDirectory files(PhaseInputs in) {
    return new PlatformDirectory(PhaseFlag.GROUP.path(in), PhaseFlag.PLAN.path(in), PhaseFlag.ANALYZED.path(in),
        PhaseFlag.GENERATED.path(in), PhaseFlag.EXTENDED.path(in), PhaseFlag.REPORT.path(in));
  }

  /** {@code -kaniko-cache-ttl}, {@code CNB_KANIKO_CACHE_TTL}, {@code 336h}: the extension layer cache's TTL. */
  public static Duration layerCacheTtl(PhaseInputs in) {
    return GoDuration.parse(PhaseFlag.KANIKO_CACHE_TTL.value(in));
  }

  /** {@code CNBFARM_LAYER_CACHE_REPO}: the layer cache every worker of a farm shares; unset, a local one. */
  public static Optional<ImageRef> sharedLayerCache(Map<String, String> env) {
    return Optional.ofNullable(env.get("CNBFARM_LAYER_CACHE_REPO")).filter(v -> !v.isEmpty()).map(ImageRef::parse);
  }

  private static void requireApi(PhaseInputs in, PhaseFlag... flags) {
    for (PhaseFlag f : flags) {
      f.requireApi(in);
    }
  }

  private static String experimentalMode(PhaseInputs in) {
    return in.env("CNB_EXPERIMENTAL_MODE", "");
  }

  private static OptionalInt number(PhaseInputs in, PhaseFlag flag) {
    Optional<String> text = flag.explicit(in);
    try {
      return text.isPresent() ? OptionalInt.of(Integer.parseInt(text.get())) : OptionalInt.empty();
    } catch (NumberFormatException e) {
      throw new LifecycleException(FailureCode.INVALID_ARGS, "-uid/-gid must be numbers: " + e.getMessage());
    }
  }
}
