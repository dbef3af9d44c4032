package dev.cnbfarm.cli.pipeline;

import dev.cnbfarm.image.blob.TreeBlobs;
import dev.cnbfarm.image.ref.ImageRef;
import dev.cnbfarm.image.ref.InvalidImageRefException;
import dev.cnbfarm.image.ref.LayoutRef;
import dev.cnbfarm.image.ref.RegistryRef;
import dev.cnbfarm.image.store.ImageStore;
import dev.cnbfarm.lifecycle.api.ApiVersion;
import dev.cnbfarm.lifecycle.api.SupportedApis;
import dev.cnbfarm.lifecycle.failure.FailureCode;
import dev.cnbfarm.lifecycle.failure.LifecycleException;
import dev.cnbfarm.lifecycle.report.Reporter;
import dev.cnbfarm.schemas.BuildSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * The flags of a build request, shared by {@code cnbfarm build} and {@code cnbfarm submit} (pack
 * build's names), and how they become a {@link BuildSpec}: the app dir is uploaded as a blob to
 * the target's repository first, so the event carries only its digest (design.md §2). Mutable
 * while picocli fills it; read once.
 */
public final class BuildRequestOptions {
  @Option(names = {"--builder", "-B"}, required = true, paramLabel = "<image>",
      description = "the builder image: a registry reference or oci:<dir>[:tag]")
  String builder;
  @Option(names = {"--app", "-p", "--path"}, required = true, paramLabel = "<dir>", description = "the app source dir")
  Path app;
  @Option(names = {"--image", "-i"}, required = true, paramLabel = "<image>",
      description = "the app image to write: a registry reference or oci:<dir>[:tag]")
  String image;
  @Option(names = "--run-image", paramLabel = "<image>", description = "the run image (default: the builder's run.toml)")
  String runImage;
  @Option(names = {"--env", "-e"}, paramLabel = "K=V", description = "a build-time env var (repeatable)")
  List<String> env = new ArrayList<>();
  @Option(names = {"--tag", "-t"}, paramLabel = "<image>", description = "one more reference to write (repeatable)")
  List<String> tags = new ArrayList<>();
  @Option(names = "--platform-api", paramLabel = "<version>", description = "the Platform API the phases run at "
      + "(default: ${DEFAULT-VALUE})")
  String platformApi = SupportedApis.DEFAULT_PLATFORM.toString();
  @Option(names = "--previous-image", paramLabel = "<image>", description = "the previous app image whose layers "
      + "the build may reuse (default: the --image target; one that does not exist is no error)")
  String previousImage;
  @Option(names = "--cache-image", paramLabel = "<image>", description = "the build cache as an image (default for a "
      + "registry target <repo>:<tag>: <repo>:<tag>-cache)")
  String cacheImage;
  @Option(names = "--cache-dir", paramLabel = "<dir>", description = "the build cache as a dir on the build worker's "
      + "host (default for an oci:<dir>[:tag] target: <dir>.cache/<tag>)")
  Path cacheDir;
  @Option(names = "--clear-cache", description = "restore nothing from the cache this build; the cache is written afresh")
  boolean clearCache;
  @Option(names = "--requested-by", paramLabel = "<who>", description = "who asks, for the audit (default: user@host)")
  String requestedBy;

  /** Checks the flags, uploads the app source and returns the request's spec. */
  BuildSpec toSpec(ImageStore store, Path scratch, Reporter reporter) {
    ImageRef target = ref("--image", image);
    ref("--builder", builder);
    if (runImage != null) {
      ref("--run-image", runImage);
    }
    List<String> allTags = new ArrayList<>();
    for (String tag : tags) {
      allTags.add(ref("--tag", tag).toString());
    }
    try {
      ApiVersion.parse(platformApi);
    } catch (IllegalArgumentException e) {
      throw new LifecycleException(FailureCode.INVALID_ARGS, "--platform-api: " + e.getMessage());
    }
    Path dir = app.toAbsolutePath().normalize();
    if (!Files.isDirectory(dir)) {
      throw new LifecycleException(FailureCode.INVALID_ARGS, "--app " + app + " is not a directory");
    }
    if (cacheImage != null && cacheDir != null) {
      throw new LifecycleException(FailureCode.INVALID_ARGS, "--cache-image and --cache-dir exclude each other");
    }
    String previous = previousImage != null ? ref("--previous-image", previousImage).toString() : target.toString();
    String cacheImageRef = cacheImage != null ? ref("--cache-image", cacheImage).toString() : null;
    String cacheDirPath = cacheDir != null ? cacheDir.toAbsolutePath().normalize().toString() : null;
    if (cacheImageRef == null && cacheDirPath == null) {
      if (target instanceof RegistryRef r) {
        cacheImageRef = defaultCacheImage(r).toString();
      } else if (target instanceof LayoutRef l) {
        cacheDirPath = defaultCacheDir(l).toString();
      }
    }
    TreeBlobs.Pushed source = new TreeBlobs(store, scratch).push(target, dir);
    reporter.info("Uploaded the app source " + dir + " (" + source.size() + " bytes, " + source.digest() + ")"
        + (source.existed() ? ", already in " : " to ") + target.withoutDigest());
    return BuildSpec.newBuilder()
        .setBuilderImage(builder)
        .setSourceRepository(target.toString())
        .setSourceDigest(source.digest().value())
        .setTargetImage(target.toString())
        .setTags(allTags)
        .setEnv(env())
        .setRunImage(runImage)
        .setRequestedBy(requestedBy != null ? requestedBy : defaultRequester())
        .setPlatformApi(platformApi)
        .setPreviousImage(previous)
        .setCacheImage(cacheImageRef)
        .setCacheDir(cacheDirPath)
        .setClearCache(clearCache)
        .build();
  }

  /** A registry target's cache image: its repository, tagged {@code <tag>-cache} (pack's default is a volume). */
  static RegistryRef defaultCacheImage(RegistryRef target) {
    String tag = target.tag().orElse("latest");
    if (tag.length() > 122) {
      tag = tag.substring(0, 122); // a tag has at most 128 characters
    }
    return RegistryRef.of(target.registry(), target.repository(), Optional.of(tag + "-cache"), Optional.empty());
  }

  /** An {@code oci:<dir>[:tag]} target's cache dir: {@code <dir>.cache/<tag>}, one per tag next to the layout. */
  static Path defaultCacheDir(LayoutRef target) {
    Path dir = target.directory().toAbsolutePath().normalize();
    return dir.resolveSibling(dir.getFileName() + ".cache").resolve(target.tag().orElse("latest"));
  }

  private Map<String, String> env() {
    Map<String, String> out = new LinkedHashMap<>();
    for (String kv : env) {
      int eq = kv.indexOf('=');
      if (eq <= 0) {
        throw new LifecycleException(FailureCode.INVALID_ARGS, "--env '" + kv + "' is not K=V");
      }
      out.put(kv.substring(0, eq), kv.substring(eq + 1));
    }
    return out;
  }

  private static ImageRef ref(String flag, String text) {
    try {
      return ImageRef.parse(text);
    } catch (InvalidImageRefException e) {
      throw new LifecycleException(FailureCode.INVALID_ARGS, flag + " '" + text + "': " + e.getMessage());
    }
  }

  static String defaultRequester() {
    String user = System.getProperty("user.name", "unknown");
    String host = System.getenv().getOrDefault("HOSTNAME", "");
    if (host.isEmpty()) {
      try {
        host = java.net.InetAddress.getLocalHost().getHostName();
      } catch (java.io.IOException e) {
        host = "localhost";
      }
    }
    return user + "@" + host;
  }
}
