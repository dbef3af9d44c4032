package dev.cnbfarm.bench;

import dev.cnbfarm.cli.lifecycle.AnalyzerCommand;
import dev.cnbfarm.cli.lifecycle.BuilderCommand;
import dev.cnbfarm.cli.lifecycle.DetectorCommand;
import dev.cnbfarm.cli.lifecycle.ExporterCommand;
import dev.cnbfarm.cli.lifecycle.RestorerCommand;
import dev.cnbfarm.image.ref.ImageRef;
import dev.cnbfarm.image.store.Image;
import dev.cnbfarm.image.store.ImageStore;
import dev.cnbfarm.image.store.RegistryProcess;
import dev.cnbfarm.image.store.RoutingImageStore;
import dev.cnbfarm.image.testing.BusyboxRunImage;
import dev.cnbfarm.lifecycle.fs.FileTrees;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * {@code scripts/bench rebuild}: the build cache's payoff. A fixture app whose buildpack installs
 * a ~100 MB dependency (it unpacks a tarball of random, incompressible bytes from the platform dir
 * into a {@code launch = true, cache = true} layer keyed by version) is built through the five
 * lifecycle commands (analyzer with the target as previous image, detector, restorer, builder,
 * exporter) into a registry: cold (empty cache),
 * warm with no change, warm with only an app change; with the cache as a dir and as a registry
 * image. Each build starts from a fresh {@code <layers>} and a {@code sync} (untimed, so one build's
 * writeback does not land in the next one's phases); an untimed cold and two warm builds of a
 * 10 MB dependency warm the JVM first. Prints each phase's time, the ratios to
 * cold, and the bytes the registry stored during each build (its blob store's growth: what was
 * uploaded, deduplicated), against the app layer + config + manifest of an app-only change.
 */
public final class RebuildBenchmark {
  private static final long MB = 1_000_000;

  private final PrintStream out;

  public RebuildBenchmark(PrintStream out) {
    this.out = out;
  }

  public int run(String[] args) throws IOException {
    BenchFlags flags = BenchFlags.parse(args, Set.of("dir", "megabytes", "caches", "repeat"));
    int repeat = Integer.parseInt(flags.values().getOrDefault("repeat", "3"));
    if (repeat < 1) {
      throw new IllegalArgumentException("--repeat must be at least 1");
    }
    Path work = Path.of(flags.values().getOrDefault("dir", ExtendBenchmark.defaultCacheDir())).resolve("rebuild");
    long megabytes = Long.parseLong(flags.values().getOrDefault("megabytes", "100"));
    List<String> caches = List.of(flags.values().getOrDefault("caches", "dir,image").split(","));
    DebianBase.delete(work);
    Files.createDirectories(work);
    for (String kind : caches) {
      // one registry per cache kind: its blob store's growth is what that kind's builds uploaded
      Path regDir = work.resolve("registry-" + kind);
      try (RegistryProcess registry = RegistryProcess.start(regDir)) {
        out.printf("%ncache as %s; registry: docker-registry pid %d on %s%n", kind, registry.pid(), registry.host());
        ImageStore store = RoutingImageStore.withDefaults();
        Image run = BusyboxRunImage.copy(store, BusyboxRunImage.write(work.resolve("busybox-" + kind), "true"),
            ImageRef.parse(registry.host() + "/bench/run:base"), work.resolve("tmp"));
        Fixture fx = Fixture.write(work.resolve(kind), megabytes, run, registry.host());
        Path blobs = regDir.resolve("data");
        // untimed: a cold and two warm builds of a 10 MB dependency load and compile the phases' code (the
        // restore and reuse paths too), so the builds below are cold or warm in their cache, not in their
        // JVM, as in a long-running worker (the launcher and config blobs are then in the registry)
        Fixture warmup = Fixture.write(work.resolve(kind + "-warmup"), 10, run, registry.host());
        List<String> warmupCache = kind.equals("dir")
            ? List.of("-cache-dir", Files.createDirectories(work.resolve("cache-" + kind + "-warmup")).toString())
            : List.of("-cache-image", registry.host() + "/bench/warmup-cache:latest");
        for (int i = 0; i < 3; i++) {
          warmup.build(registry.host() + "/bench/warmup:latest", warmupCache, blobs);
        }
        // each kind of build `repeat` times, the median (by total) reported: one build is ~0.5 s, so a
        // stray writeback or GC would otherwise decide the ratio. Each cold build has its own app
        // repository and cache; the warm ones rebuild the last of them.
        List<Result> colds = new ArrayList<>();
        List<String> image = List.of();
        List<String> cache = List.of();
        for (int i = 0; i < repeat; i++) {
          image = List.of(registry.host() + "/bench/app-" + i + ":latest");
          cache = kind.equals("dir")
              ? List.of("-cache-dir", Files.createDirectories(work.resolve("cache-" + kind + "-" + i)).toString())
              : List.of("-cache-image", registry.host() + "/bench/cache-" + i + ":latest");
          if (i == 0) {
            out.printf("setup (untimed): dependency tarball %d MB of random bytes; cache %s; each build %d times,"
                + " the median shown%n", megabytes, cache.get(1), repeat);
          }
          Files.writeString(fx.app.resolve("main.txt"), "version 1\n");
          colds.add(fx.build(image.get(0), cache, blobs));
        }
        List<Result> warms = new ArrayList<>();
        for (int i = 0; i < repeat; i++) {
          warms.add(fx.build(image.get(0), cache, blobs));
        }
        List<Result> apps = new ArrayList<>();
        for (int i = 0; i < repeat; i++) {
          Files.writeString(fx.app.resolve("main.txt"), "version " + (i + 2) + "\n");
          apps.add(fx.build(image.get(0), cache, blobs));
        }
        Result last = colds.get(colds.size() - 1);
        for (Result warm : warms) {
          check(warm.output.contains("reusing dep") && warm.digest.equals(last.digest),
              "a warm build did not reuse the dependency or gave another image:\n" + warm.output);
        }
        for (Result r : colds) {
          check(r.output.contains("installing dep"), "a cold build did not install the dependency:\n" + r.output);
        }
        for (Result r : apps) {
          check(r.output.contains("reusing dep") && !r.digest.equals(last.digest),
              "an app-change build did not reuse the dependency or gave the same image:\n" + r.output);
        }
        Result cold = median(colds);
        Result warm = median(warms);
        Result app = median(apps);
        // only the first cold build uploads the dependency: the registry keeps one copy of a blob
        print("cold", cold, cold, colds.get(0).stored);
        print("warm, no change", warm, cold, warm.stored);
        print("warm, app change", app, cold, app.stored);
        out.printf("  warm no-change / cold = %.2f (target <= 0.20: %s)%n", ratio(warm, cold),
            ratio(warm, cold) <= 0.2 ? "met" : "MISSED");
        long appMax = apps.stream().mapToLong(Result::stored).max().orElseThrow();
        out.printf("  app-change upload, most of %d builds: %d bytes; app layer + config + manifest = %d bytes (%s)%n",
            repeat, appMax, app.appBudget, apps.stream().allMatch(r -> r.stored <= r.appBudget) ? "met" : "MISSED");
      }
    }
    return 0;
  }

  private void print(String name, Result r, Result cold, long uploaded) {
    StringBuilder phases = new StringBuilder();
    r.phases.forEach((p, ms) -> phases.append(String.format(" %s %5d ms", p, ms)));
    out.printf("  %-17s total %6d ms (%.2fx cold);%s; uploaded %,d bytes%n", name, r.total(), ratio(r, cold), phases,
        uploaded);
  }

  /** The run with the median total (the upper one of an even count). */
  private static Result median(List<Result> runs) {
    List<Result> sorted = runs.stream().sorted(java.util.Comparator.comparingLong(Result::total)).toList();
    return sorted.get(sorted.size() / 2);
  }

  private static double ratio(Result r, Result cold) {
    return (double) r.total() / cold.total();
  }

  private static void check(boolean ok, String message) {
    if (!ok) {
      throw new IllegalStateException(message);
    }
  }

  /** One build: phase times, output, digest, registry growth, and the app-change budget of its image. */
  private record Result(Map<String, Long> phases, String output, String digest, long stored, long appBudget) {
    long total() {
      return phases.values().stream().mapToLong(Long::longValue).sum();
    }
  }

  /** The app, platform dir (with the dependency tarball), buildpack and order on disk. */
  private record Fixture(Path root, Path app, Path platform, Path buildpacks, Path order, Path runToml, Path launcher,
      Image run, ImageStore store) {
    static Fixture write(Path root, long megabytes, Image run, String host) throws IOException {
      Path app = Files.createDirectories(root.resolve("workspace"));
      Path platform = Files.createDirectories(root.resolve("platform"));
      Path dep = Files.createDirectories(root.resolve("dep-src"));
      byte[] chunk = new byte[1 << 20];
      SplittableRandom random = new SplittableRandom(42);
      try (OutputStream o = Files.newOutputStream(dep.resolve("dependency.bin"))) {
        for (long written = 0; written < megabytes * MB; written += chunk.length) {
          for (int i = 0; i < chunk.length; i += 8) {
            long v = random.nextLong();
            for (int b = 0; b < 8; b++) {
              chunk[i + b] = (byte) (v >>> (8 * b));
            }
          }
          o.write(chunk, 0, (int) Math.min(chunk.length, megabytes * MB - written));
        }
      }
      HostCommand.run(List.of("tar", "-cf", platform.resolve("dep.tar").toString(), "-C", dep.toString(), "."),
          root.resolve("tar.log"));
      FileTrees.deleteRecursively(dep);
      Path bp = Files.createDirectories(root.resolve("cnb/buildpacks/bench_deps/1.0.0/bin"));
      Files.writeString(bp.resolve("../buildpack.toml"), "api = \"0.7\"\n[buildpack]\nid = \"bench/deps\"\n"
          + "version = \"1.0.0\"\n[[targets]]\nos = \"linux\"\n");
      executable(bp.resolve("detect"), "#!/bin/sh\nexit 0\n");
      executable(bp.resolve("build"), BUILD);
      Path order = root.resolve("cnb/order.toml");
      Files.writeString(order, "[[order]]\n[[order.group]]\nid = \"bench/deps\"\nversion = \"1.0.0\"\n");
      Path runToml = root.resolve("cnb/run.toml");
      Files.writeString(runToml, "[[images]]\nimage = \"" + host + "/bench/run\"\n");
      Path launcher = root.resolve("cnb/launcher");
      executable(launcher, "#!/bin/sh\nexec \"$@\"\n");
      return new Fixture(root, app, platform, root.resolve("cnb/buildpacks"), order, runToml, launcher, run,
          RoutingImageStore.withDefaults());
    }

    Result build(String image, List<String> cache, Path blobs) throws IOException {
      Path layers = root.resolve("layers");
      FileTrees.deleteRecursively(layers);
      Files.createDirectories(layers);
      // untimed: the previous build's 100+ MB of writes go to disk now, not during this build's phases
      HostCommand.run(List.of("sync"), root.resolve("sync.log"));
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      PrintStream log = new PrintStream(bytes, true, StandardCharsets.UTF_8);
      Map<String, String> env = new HashMap<>(Map.of("PATH", "/usr/bin:/bin", "CNB_PLATFORM_API", "0.14"));
      List<String> common = List.of("-layers", layers.toString());
      long before = stored(blobs);
      Map<String, Long> phases = new LinkedHashMap<>();
      // as `cnbfarm build` and the reference's creator: the previous image is the target
      time(phases, "analyzer", () -> new AnalyzerCommand(env, log).run(args(common, "-run-image",
          run.pinnedRef().toString(), "-previous-image", image, image)), bytes);
      time(phases, "detector", () -> new DetectorCommand(env, log).run(args(common, "-app", app.toString(),
          "-buildpacks", buildpacks.toString(), "-order", order.toString(), "-platform", platform.toString(),
          "-run", runToml.toString())), bytes);
      time(phases, "restorer", () -> new RestorerCommand(env, log).run(args(common, cache, "-uid", "1000", "-gid",
          "1000")), bytes);
      time(phases, "builder", () -> new BuilderCommand(env, log).run(args(common, "-app", app.toString(),
          "-buildpacks", buildpacks.toString(), "-platform", platform.toString())), bytes);
      time(phases, "exporter", () -> new ExporterCommand(env, log).run(args(common, cache, "-app", app.toString(),
          "-launcher", launcher.toString(), "-run", runToml.toString(), "-uid", "1000", "-gid", "1000", image)),
          bytes);
      long stored = stored(blobs) - before;
      Image built = store.read(ImageRef.parse(image));
      int appIndex = built.manifest().layers().size() - 3; // app, launcher, config are the last three
      long budget = built.manifest().layers().get(appIndex).size() + built.manifest().config().size()
          + built.manifest().toJson().length;
      return new Result(phases, bytes.toString(StandardCharsets.UTF_8), built.manifestDigest().value(), stored, budget);
    }
  }

  private interface Phase {
    int run();
  }

  private static void time(Map<String, Long> phases, String name, Phase phase, ByteArrayOutputStream log) {
    long start = System.nanoTime();
    int code = phase.run();
    phases.put(name, (System.nanoTime() - start) / 1_000_000);
    check(code == 0, name + " exited " + code + ":\n" + log.toString(StandardCharsets.UTF_8));
  }

  private static String[] args(List<String> common, Object... more) {
    List<String> all = new ArrayList<>(common);
    for (Object m : more) {
      if (m instanceof List<?> l) {
        l.forEach(x -> all.add((String) x));
      } else {
        all.add((String) m);
      }
    }
    return all.toArray(String[]::new);
  }

  /** The bytes of every blob the registry holds (its filesystem storage's {@code data} files). */
  private static long stored(Path root) throws IOException {
    if (!Files.isDirectory(root)) {
      return 0;
    }
    try (Stream<Path> files = Files.walk(root)) {
      return files.filter(p -> p.getFileName().toString().equals("data") && Files.isRegularFile(p)).mapToLong(p -> {
        try {
          return Files.size(p);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }).sum();
    }
  }

  private static void executable(Path file, String content) throws IOException {
    Files.writeString(file, content);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  /**
   * The fixture buildpack, at Buildpack API 0.7 as most of Paketo: the tests' {@code RebuildFixture}
   * (cli test code, out of this module's reach).
   */
  private static final String BUILD = """
      #!/bin/sh
      set -eu
      layers="$1"
      platform="$2"
      version=1.0
      if [ -f "$layers/dep.toml" ] && grep -q "version = \\"$version\\"" "$layers/dep.toml" && [ -x "$layers/dep/bin/dep" ]; then
        echo "reusing dep $version"
      else
        echo "installing dep $version"
        rm -rf "$layers/dep"
        mkdir -p "$layers/dep/bin"
        tar -xf "$platform/dep.tar" -C "$layers/dep"
        printf '#!/bin/sh\\necho dep %s\\n' "$version" > "$layers/dep/bin/dep"
        chmod 755 "$layers/dep/bin/dep"
      fi
      printf '[types]\\nlaunch = true\\ncache = true\\n[metadata]\\nversion = "%s"\\n' "$version" > "$layers/dep.toml"
      printf '[[processes]]\\ntype = "web"\\ncommand = "dep"\\ndefault = true\\n' > "$layers/launch.toml"
      """;
}
