package dev.cnbfarm.engine.testing;

import dev.cnbfarm.lifecycle.testing.RecordingReporter;
import dev.cnbfarm.lifecycle.api.ApiVersion;
import dev.cnbfarm.lifecycle.build.BuildResult;
import dev.cnbfarm.lifecycle.buildpack.ModuleStore;
import dev.cnbfarm.lifecycle.detect.DetectOutcome;
import dev.cnbfarm.lifecycle.exec.ProcessBinaryRunner;
import dev.cnbfarm.engine.build.BuilderPhase;
import dev.cnbfarm.engine.detect.DetectorPhase;
import dev.cnbfarm.engine.build.BuildInputs;
import dev.cnbfarm.engine.build.BuildSettings;
import dev.cnbfarm.engine.detect.DetectInputs;
import dev.cnbfarm.engine.detect.DetectSettings;
import dev.cnbfarm.lifecycle.toml.Toml;
import dev.cnbfarm.lifecycle.toml.TomlTable;
import dev.cnbfarm.lifecycle.failure.FailureCode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A complete detector workspace in a temp dir: app, platform, layers, build-config, the
 * buildpacks and extensions dirs, order.toml, run.toml and analyzed.toml, plus a shared log that
 * every fixture script appends to. {@link #detect(String)} runs the real {@link DetectorPhase}
 * with a {@link ProcessBinaryRunner}, so the scripts really run. Not thread-safe.
 */
public final class Fixtures {
  private final Path root;
  private final Map<String, String> env = new LinkedHashMap<>();
  private final Map<String, String> flags = new LinkedHashMap<>();
  private RecordingReporter reporter = new RecordingReporter();

  private Fixtures(Path root) {
    this.root = root;
    Stream.of("app", "platform", "layers", "build-config", "cnb/buildpacks", "cnb/extensions", "logs")
        .forEach(d -> mkdirs(root.resolve(d)));
    touch(log());
    env.put("PATH", "/usr/local/bin:/usr/bin:/bin");
    env.put("CNB_EXPERIMENTAL_MODE", "silent");
    flags.put("app", app().toString());
    flags.put("buildpacks", root.resolve("cnb/buildpacks").toString());
    flags.put("extensions", root.resolve("cnb/extensions").toString());
    flags.put("order", orderPath().toString());
    flags.put("layers", layers().toString());
    flags.put("platform", platform().toString());
    flags.put("build-config", buildConfig().toString());
    flags.put("run", runPath().toString());
    flags.put("analyzed", analyzedPath().toString());
    flags.put("generated", generated().toString());
    flags.put("group", groupPath().toString());
    flags.put("plan", planPath().toString());
  }

  /** A fresh workspace in {@code tempDir} (a JUnit {@code @TempDir}). */
  public static Fixtures in(Path tempDir) {
    return new Fixtures(tempDir);
  }

  // ---- modules

  public BuildpackFixture buildpack(String id) {
    return buildpack(id, "1.0.0");
  }

  public BuildpackFixture buildpack(String id, String version) {
    return new BuildpackFixture(this, false, id, version,
        root.resolve("cnb/buildpacks").resolve(ModuleStore.escape(id)).resolve(version));
  }

  public BuildpackFixture extension(String id) {
    return extension(id, "1.0.0");
  }

  public BuildpackFixture extension(String id, String version) {
    return new BuildpackFixture(this, true, id, version,
        root.resolve("cnb/extensions").resolve(ModuleStore.escape(id)).resolve(version));
  }

  // ---- platform files

  public Fixtures order(String toml) {
    BuildpackFixture.write(orderPath(), toml);
    return this;
  }

  public Fixtures analyzed(String toml) {
    BuildpackFixture.write(analyzedPath(), toml);
    return this;
  }

  public Fixtures runToml(String toml) {
    BuildpackFixture.write(runPath(), toml);
    return this;
  }

  /** group.toml with these buildpacks (version 1.0.0, API 0.10) and {@code extraToml} appended. */
  public Fixtures group(List<String> buildpacks, String extraToml) {
    StringBuilder toml = new StringBuilder();
    buildpacks.forEach(id -> toml.append("[[group]]\nid = \"").append(id)
        .append("\"\nversion = \"1.0.0\"\napi = \"0.10\"\n\n"));
    BuildpackFixture.write(groupPath(), toml + extraToml);
    return this;
  }

  /** plan.toml as given. */
  public Fixtures plan(String toml) {
    BuildpackFixture.write(planPath(), toml);
    return this;
  }

  /** A user env var: {@code <platform>/env/<name>}. */
  public Fixtures platformEnv(String name, String value) {
    BuildpackFixture.write(platform().resolve("env").resolve(name), value);
    return this;
  }

  /** An operator env file: {@code <build-config>/env/<file>} (e.g. {@code FOO.append}). */
  public Fixtures buildConfigEnv(String file, String value) {
    BuildpackFixture.write(buildConfig().resolve("env").resolve(file), value);
    return this;
  }

  /** Sets an env var of the lifecycle process ({@code null} removes it). */
  public Fixtures env(String name, String value) {
    if (value == null) {
      env.remove(name);
    } else {
      env.put(name, value);
    }
    return this;
  }

  /** Sets a flag ({@code null} removes it, so the env var or default applies). */
  public Fixtures flag(String name, String value) {
    if (value == null) {
      flags.remove(name);
    } else {
      flags.put(name, value);
    }
    return this;
  }

  /** Gives {@code -build-config} and {@code -run} (newer than Platform API 0.10) as env vars, for old APIs. */
  public Fixtures newerFlagsAsEnv() {
    return flag("build-config", null).env("CNB_BUILD_CONFIG_DIR", buildConfig().toString())
        .flag("run", null).env("CNB_RUN_PATH", runPath().toString());
  }

  // ---- running

  /** Runs the detector phase at {@code platformApi} with 4 detect threads. */
  public DetectOutcome detect(String platformApi) {
    reporter = new RecordingReporter();
    TestInputs in = TestInputs.of(flags, new HashMap<>(env), ApiVersion.parse(platformApi));
    DetectInputs inputs = in.detect();
    return new DetectorPhase(new ProcessBinaryRunner(), in.files(), reporter, new DetectSettings(4, Duration.ofSeconds(30)))
        .run(inputs).outcome();
  }

  /** As {@link #detect(String)}, with the phase's scratch dir and os-release given (as detect-worker runs it). */
  public DetectOutcome detect(String platformApi, Path scratch, Path osRelease) {
    reporter = new RecordingReporter();
    TestInputs in = TestInputs.of(flags, new HashMap<>(env), ApiVersion.parse(platformApi));
    return new DetectorPhase(new ProcessBinaryRunner(), in.files(), reporter, new DetectSettings(4, Duration.ofSeconds(30)))
        .run(in.detect(), scratch, osRelease).outcome();
  }

  /** Runs the builder phase at {@code platformApi} over group.toml and plan.toml. */
  public BuildResult build(String platformApi) {
    reporter = new RecordingReporter();
    TestInputs in = TestInputs.of(flags, new HashMap<>(env), ApiVersion.parse(platformApi));
    BuildInputs inputs = in.build();
    return new BuilderPhase(new ProcessBinaryRunner(), in.files(), reporter, new BuildSettings(Duration.ofSeconds(30)))
        .run(inputs);
  }

  /** The reporter of the last {@link #detect(String)}. */
  public RecordingReporter reporter() {
    return reporter;
  }

  /** 0 for a detected group, else the outcome's exit code (20 or 21). */
  public static int exitCode(DetectOutcome outcome) {
    return outcome instanceof DetectOutcome.NotDetected n ? n.code().exitCode() : 0;
  }

  // ---- paths and reading

  public Path root() {
    return root;
  }

  public Path app() {
    return root.resolve("app");
  }

  public Path platform() {
    return root.resolve("platform");
  }

  public Path layers() {
    return root.resolve("layers");
  }

  public Path buildConfig() {
    return root.resolve("build-config");
  }

  public Path generated() {
    return layers().resolve("generated");
  }

  public Path orderPath() {
    return root.resolve("cnb/order.toml");
  }

  public Path runPath() {
    return root.resolve("cnb/run.toml");
  }

  public Path analyzedPath() {
    return layers().resolve("analyzed.toml");
  }

  public Path groupPath() {
    return layers().resolve("group.toml");
  }

  public Path planPath() {
    return layers().resolve("plan.toml");
  }

  /** The shared log every script appends {@code <kind>:<id> <phase>} to. */
  public Path log() {
    return root.resolve("logs/run.log");
  }

  /** A file under the logs dir for scripts to write into (env dumps, timestamps). */
  public Path logFile(String name) {
    return root.resolve("logs").resolve(name);
  }

  /** The lines of the shared log. */
  public List<String> runs() {
    return read(log()).lines().toList();
  }

  public static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static TomlTable toml(Path file) {
    return Toml.read(file, FailureCode.INVALID_INPUT);
  }

  /** A dumped {@code env} output as a map (values up to the end of the line). */
  public static Map<String, String> envDump(Path file) {
    Map<String, String> out = new LinkedHashMap<>();
    read(file).lines().filter(l -> l.contains("=")).forEach(l -> out.put(l.substring(0, l.indexOf('=')),
        l.substring(l.indexOf('=') + 1)));
    return out;
  }

  private static void mkdirs(Path dir) {
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void touch(Path file) {
    BuildpackFixture.write(file, "");
  }
}
