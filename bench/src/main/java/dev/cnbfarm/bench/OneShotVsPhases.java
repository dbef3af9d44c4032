package dev.cnbfarm.bench;

import dev.cnbfarm.lifecycle.fs.FileTrees;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Part (a) and (d) of {@code scripts/bench pipeline}: the sample app built by one {@code cnbfarm
 * build} JVM (embedded broker, every worker role in-process) against the same phases run the way
 * {@code samples/demo} runs them, one {@code cnbfarm lifecycle} JVM each (detector, extender
 * {@code -kind build}, extender {@code -kind run}, exporter, with the demo's flags). The images
 * are made once by {@code samples/images}, outside the timing; the phases' {@code <layers>} and
 * {@code <platform>} dirs are written afresh before each of their runs, also outside it. A warm-up
 * pair runs first; then the two sides alternate. Every run is checked (exit 0 and an image digest)
 * before its time counts. Not thread-safe.
 */
final class OneShotVsPhases {
  /** The medians, per-run times and the one-shot's peak RSS. */
  record Result(Quantiles oneShot, Quantiles phases, List<Double> oneShotRuns, List<Double> phasesRuns,
      long oneShotHwmKb, long phasesMaxHwmKb) {
    double ratio() {
      return oneShot.median() / phases.median();
    }
  }

  /** What cnbfarm build prints: the broker and workers' start-up, and the build's own time. */
  private static final Pattern STARTED = Pattern.compile("\\(started in ([0-9.]+) s\\)");
  private static final Pattern TOTAL = Pattern.compile("; total ([0-9.]+) s");

  private final Path repo;
  private final Path dir;
  private final CliProcess cli;
  private final PrintStream out;

  OneShotVsPhases(Path repo, Path dir, PrintStream out) {
    this.repo = repo;
    this.dir = dir;
    this.cli = new CliProcess(repo);
    this.out = out;
  }

  /** Makes the sample images once (samples/images; untimed). */
  void makeImages() {
    HostCommand.run(List.of(repo.resolve("samples/images").toString(), dir.toString()), dir.resolve("logs/images.log"));
  }

  Result run(int runs) {
    oneShot("warmup");
    phases("warmup");
    List<Double> one = new ArrayList<>();
    List<Double> four = new ArrayList<>();
    long oneHwm = -1;
    long fourHwm = -1;
    for (int i = 1; i <= runs; i++) {
      CliProcess.Run o = oneShot("run" + i);
      List<CliProcess.Run> p = phases("run" + i);
      double sum = p.stream().mapToDouble(CliProcess.Run::seconds).sum();
      one.add(o.seconds());
      four.add(sum);
      oneHwm = Math.max(oneHwm, o.vmHwmKb());
      fourHwm = Math.max(fourHwm, p.stream().mapToLong(CliProcess.Run::vmHwmKb).max().orElse(-1));
      double started = printed(o.output(), STARTED);
      double build = printed(o.output(), TOTAL);
      out.printf(Locale.ROOT, "  run %d: one-shot %.2f s (broker and workers up in %.1f s, build %.1f s, the rest"
          + " %.1f s: JVM start, upload, shutdown; VmHWM %d MiB) | phases %.2f s = detector %.2f + extender build %.2f"
          + " + extender run %.2f + exporter %.2f%n", i, o.seconds(), started, build, o.seconds() - started - build,
          o.vmHwmKb() / 1024, sum, p.get(0).seconds(), p.get(1).seconds(), p.get(2).seconds(), p.get(3).seconds());
    }
    return new Result(Quantiles.of(one), Quantiles.of(four), one, four, oneHwm, fourHwm);
  }

  /** The one-shot command line, as documented in the README. */
  List<String> oneShotArgs() {
    String images = "oci:" + dir.resolve("images");
    return List.of("build", "--builder", images + ":sample-builder", "--app", repo.resolve("samples/apps/hello").toString(),
        "--image", images + ":app-one-shot", "--run-image", images + ":run", "--env",
        "SAMPLES_RUN_TINY=" + images + ":run-tiny", "--env", "LANG=en_US.UTF-8");
  }

  private CliProcess.Run oneShot(String name) {
    CliProcess.Run r = cli.run(oneShotArgs(), dir.resolve("logs/one-shot-" + name + ".log"));
    if (!r.output().contains("Successfully built image") || !r.output().contains("*** Digest: sha256:")) {
      throw new IllegalStateException("the one-shot build printed no image digest: " + dir.resolve("logs"));
    }
    return r;
  }

  /** The four phase JVMs of samples/demo, on a fresh layers dir. */
  private List<CliProcess.Run> phases(String name) {
    Path layers = dir.resolve("layers");
    Path platform = dir.resolve("platform");
    prepare(layers, platform);
    Path samples = repo.resolve("samples");
    String app = samples.resolve("apps/hello").toString();
    List<String> common = List.of("-app", app, "-layers", layers.toString(), "-platform", platform.toString());
    String buildpacks = samples.resolve("builder/buildpacks").toString();
    String runToml = samples.resolve("builder/run.toml").toString();
    List<List<String>> commands = List.of(
        join(List.of("lifecycle", "detector"), common, List.of("-buildpacks", buildpacks, "-extensions",
            samples.resolve("builder/extensions").toString(), "-order", samples.resolve("builder/order.toml").toString(),
            "-run", runToml)),
        join(List.of("lifecycle", "extender", "-kind", "build"), common, List.of("-buildpacks", buildpacks, "-uid",
            "1000", "-gid", "1000")),
        join(List.of("lifecycle", "extender", "-kind", "run"), common, List.of()),
        List.of("lifecycle", "exporter", "-app", app, "-layers", layers.toString(), "-run", runToml, "-uid", "1000",
            "-gid", "1000", "oci:" + dir.resolve("images") + ":app-phases"));
    List<CliProcess.Run> runs = new ArrayList<>();
    String[] names = {"detector", "extender-build", "extender-run", "exporter"};
    for (int i = 0; i < commands.size(); i++) {
      runs.add(cli.run(commands.get(i), dir.resolve("logs/phases-" + name + "-" + names[i] + ".log")));
    }
    try {
      if (!Files.readString(layers.resolve("report.toml")).contains("digest = ")) {
        throw new IllegalStateException("the exporter wrote no digest to " + layers.resolve("report.toml"));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return runs;
  }

  /** What samples/demo writes before its detector: the platform env and analyzed.toml. */
  private void prepare(Path layers, Path platform) {
    try {
      FileTrees.deleteRecursively(layers);
      FileTrees.deleteRecursively(platform);
      Files.createDirectories(layers);
      Files.createDirectories(platform.resolve("env"));
      try (var env = Files.list(repo.resolve("samples/platform/env"))) {
        for (Path f : env.toList()) {
          Files.copy(f, platform.resolve("env").resolve(f.getFileName()));
        }
      }
      String images = "oci:" + dir.resolve("images");
      Files.writeString(platform.resolve("env/SAMPLES_RUN_TINY"), images + ":run-tiny");
      Files.writeString(layers.resolve("analyzed.toml"), """
          [run-image]
          image = "%1$s:run"
          reference = "%1$s:run"
          [run-image.target]
          os = "linux"
          arch = "amd64"

          [build-image]
          reference = "%1$s:builder"
          """.formatted(images));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static double printed(String output, Pattern p) {
    Matcher m = p.matcher(output);
    return m.find() ? Double.parseDouble(m.group(1)) : Double.NaN;
  }

  @SafeVarargs
  private static List<String> join(List<String>... parts) {
    List<String> all = new ArrayList<>();
    for (List<String> p : parts) {
      all.addAll(p);
    }
    return all;
  }
}
