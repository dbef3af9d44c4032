package dev.cnbfarm.cli.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cnbfarm.engine.PlatformDirectory;
import dev.cnbfarm.engine.analyze.AnalyzeInputs;
import dev.cnbfarm.engine.detect.DetectInputs;
import dev.cnbfarm.engine.extend.ExtendInputs;
import dev.cnbfarm.lifecycle.api.ApiVersion;
import dev.cnbfarm.lifecycle.extend.ExtendKind;
import dev.cnbfarm.lifecycle.failure.FailureCode;
import dev.cnbfarm.lifecycle.failure.LifecycleException;
import dev.cnbfarm.lifecycle.phase.PhaseFlag;
import dev.cnbfarm.lifecycle.phase.PhaseInputs;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The one input table, resolved into the phases' typed inputs: flag, then {@code CNB_*} env var, then default. */
class PhaseRecordsTest {
  private static final ApiVersion API = ApiVersion.parse("0.13");

  @TempDir Path tmp;

  @Test
  void aFlagWinsOverItsEnvVarWhichWinsOverTheDefault() {
    PhaseInputs in = new PhaseInputs(Map.of("group", "/flag/group.toml", "layers", "/l", "app", "/flag/app"),
        Map.of("CNB_GROUP_PATH", "/env/group.toml", "CNB_PLAN_PATH", "/env/plan.toml", "CNB_APP_DIR", "/env/app",
            "CNB_PLATFORM_DIR", "/env/platform"), API);

    PlatformDirectory files = PhaseRecords.files(in);
    DetectInputs detect = PhaseRecords.detect(in);

    assertThat(files.group()).isEqualTo(Path.of("/flag/group.toml"));
    assertThat(files.plan()).isEqualTo(Path.of("/env/plan.toml"));
    assertThat(files.analyzed()).isEqualTo(Path.of("/l/analyzed.toml"));
    assertThat(files.generated()).isEqualTo(Path.of("/l/generated"));
    assertThat(files.extended()).isEqualTo(Path.of("/l/extended"));
    assertThat(detect.app()).isEqualTo(Path.of("/flag/app"));
    assertThat(detect.platform()).isEqualTo(Path.of("/env/platform"));
    assertThat(detect.buildpacks()).isEqualTo(Path.of("/cnb/buildpacks"));
    assertThat(detect.runToml()).isEqualTo(Path.of("/cnb/run.toml"));
  }

  @Test
  void anEmptyFlagOrEnvVarCountsAsUnset() {
    PhaseInputs in = new PhaseInputs(Map.of("app", ""), Map.of("CNB_APP_DIR", ""), API);

    assertThat(PhaseRecords.detect(in).app()).isEqualTo(Path.of("/workspace"));
  }

  @Test
  void relativePathsAreMadeAbsolute() {
    PhaseInputs in = new PhaseInputs(Map.of("layers", "rel/layers"), Map.of(), API);

    assertThat(PhaseRecords.files(in).group()).isEqualTo(Path.of("rel/layers/group.toml").toAbsolutePath());
  }

  @Test
  void orderTomlIsTheLayersOneWhenPresentElseTheCnbOne() throws IOException {
    PhaseInputs in = new PhaseInputs(Map.of("layers", tmp.toString()), Map.of(), API);
    assertThat(PhaseRecords.detect(in).order()).isEqualTo(Path.of("/cnb/order.toml"));

    Files.writeString(tmp.resolve("order.toml"), "");
    assertThat(PhaseRecords.detect(in).order()).isEqualTo(tmp.resolve("order.toml"));

    PhaseInputs env = new PhaseInputs(Map.of("layers", tmp.toString()), Map.of("CNB_ORDER_PATH", "/env/order.toml"), API);
    assertThat(PhaseRecords.detect(env).order()).isEqualTo(Path.of("/env/order.toml"));
  }

  @Test
  void aFlagNewerThanThePlatformApiIsInvalidArgs() {
    PhaseInputs run = new PhaseInputs(Map.of("run", "/r.toml"), Map.of(), ApiVersion.parse("0.11"));
    PhaseInputs buildConfig = new PhaseInputs(Map.of("build-config", "/bc"), Map.of(), ApiVersion.parse("0.10"));
    PhaseInputs extended = new PhaseInputs(Map.of("extended", "/x"), Map.of(), ApiVersion.parse("0.11"));

    assertThatThrownBy(() -> PhaseRecords.detect(run)).isInstanceOfSatisfying(LifecycleException.class, e -> {
      assertThat(e.code()).isEqualTo(FailureCode.INVALID_ARGS);
      assertThat(e.getMessage()).isEqualTo("flag -run needs Platform API 0.12 or newer (CNB_PLATFORM_API is 0.11)");
    });
    assertThatThrownBy(() -> PhaseRecords.build(buildConfig)).isInstanceOfSatisfying(LifecycleException.class,
        e -> assertThat(e.code().exitCode()).isEqualTo(3));
    assertThatThrownBy(() -> PhaseRecords.extend(extended)).isInstanceOfSatisfying(LifecycleException.class,
        e -> assertThat(e.getMessage()).contains("-extended needs Platform API 0.12"));
  }

  @Test
  void theEnvVarOfANewerFlagIsNotRefused() {
    PhaseInputs in = new PhaseInputs(Map.of(), Map.of("CNB_RUN_PATH", "/env/run.toml"), ApiVersion.parse("0.11"));

    assertThat(PhaseRecords.detect(in).runToml()).isEqualTo(Path.of("/env/run.toml"));
  }

  @Test
  void detectorExitsThreeForTheRunFlagBeforePlatform012() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    int code = new DetectorCommand(Map.of("CNB_PLATFORM_API", "0.11"), new PrintStream(bytes, true, StandardCharsets.UTF_8))
        .run(new String[] {"-run", tmp.resolve("run.toml").toString(), "-layers", tmp.toString()});

    assertThat(code).isEqualTo(3);
    assertThat(bytes.toString(StandardCharsets.UTF_8)).contains("ERROR: flag -run needs Platform API 0.12");
  }

  @Test
  void extendResolvesTheKindTheUserAndTheBuildImage() {
    PhaseInputs in = new PhaseInputs(Map.of("uid", "1000", "build-image", "oci:/b"), Map.of("CNB_GROUP_ID", "1001"), API);

    ExtendInputs e = PhaseRecords.extend(in);

    assertThat(e.kind()).isEqualTo(ExtendKind.BUILD);
    assertThat(e.uid()).isEqualTo(OptionalInt.of(1000));
    assertThat(e.gid()).isEqualTo(OptionalInt.of(1001));
    assertThat(e.buildImage()).contains("oci:/b");
    assertThat(PhaseRecords.extend(new PhaseInputs(Map.of(), Map.of(), API)).buildImage()).isEmpty();
  }

  @Test
  void aUidThatIsNotANumberIsInvalidArgsForTheBuildKind() {
    PhaseInputs in = new PhaseInputs(Map.of("uid", "cnb"), Map.of(), API);

    assertThatThrownBy(() -> PhaseRecords.extend(in)).isInstanceOfSatisfying(LifecycleException.class, e -> {
      assertThat(e.code()).isEqualTo(FailureCode.INVALID_ARGS);
      assertThat(e.getMessage()).startsWith("-uid/-gid must be numbers");
    });
  }

  @Test
  void theLayerCacheTtlIsAGoDurationFromTheFlagOrEnvVar() {
    assertThat(PhaseRecords.layerCacheTtl(new PhaseInputs(Map.of(), Map.of(), API))).isEqualTo(Duration.ofHours(336));
    assertThat(PhaseRecords.layerCacheTtl(new PhaseInputs(Map.of("kaniko-cache-ttl", "90s"),
        Map.of("CNB_KANIKO_CACHE_TTL", "1h"), API))).isEqualTo(Duration.ofSeconds(90));
    assertThat(PhaseRecords.sharedLayerCache(Map.of())).isEmpty();
    assertThat(PhaseRecords.sharedLayerCache(Map.of("CNBFARM_LAYER_CACHE_REPO", "oci:/cache"))).isPresent();
  }

  @Test
  void everyFlagOfEveryPhaseCommandIsInTheTable() {
    Set<String> table = Arrays.stream(PhaseFlag.values()).map(PhaseFlag::flag).collect(Collectors.toSet());

    assertThat(Stream.of(AnalyzerCommand.FLAGS, DetectorCommand.FLAGS, RestorerCommand.FLAGS, BuilderCommand.FLAGS,
        ExtenderCommand.FLAGS, ExporterCommand.FLAGS)
        .flatMap(Set::stream))
        .allSatisfy(f -> assertThat(table).contains(f));
  }

  @Test
  void theAnalyzerMapsImageNamesIntoTheLayoutDirAndRefusesTheDaemonAndTwoRegistries() {
    AnalyzeInputs a = PhaseRecords.analyze(new PhaseInputs(Map.of("layout", "true", "layout-dir", "/oci",
        "previous-image", "reg.io/team/app@sha256:" + "a".repeat(64), "tag", "reg.io/team/app:2,reg.io/team/app:3",
        "skip-layers", "true"), Map.of("CNB_RUN_IMAGE", "reg.io/run:1"), API), java.util.List.of("reg.io/team/app:1"));
    assertThat(((dev.cnbfarm.image.ref.LayoutRef) a.output()).directory()).isEqualTo(Path.of("/oci/reg.io/team/app/1"));
    assertThat(((dev.cnbfarm.image.ref.LayoutRef) a.previousImage().orElseThrow()).directory())
        .isEqualTo(Path.of("/oci/reg.io/team/app/sha256/" + "a".repeat(64)));
    assertThat(a.tags()).hasSize(2);
    assertThat(a.runImage()).contains("oci:/oci/reg.io/run/1");
    assertThat(a.skipLayers()).isTrue();

    assertThatThrownBy(() -> PhaseRecords.analyze(new PhaseInputs(Map.of(), Map.of("CNB_USE_DAEMON", "true"), API),
        java.util.List.of("reg.io/app")))
        .isInstanceOfSatisfying(LifecycleException.class, e -> assertThat(e.code()).isEqualTo(FailureCode.INVALID_ARGS))
        .hasMessageContaining("no Docker daemon");
    assertThatThrownBy(() -> PhaseRecords.analyze(new PhaseInputs(Map.of("layout", "true"), Map.of(), API),
        java.util.List.of("reg.io/app"))).hasMessageContaining("-layout needs -layout-dir");
    assertThatThrownBy(() -> PhaseRecords.analyze(new PhaseInputs(Map.of("layout", "true", "layout-dir", "/o"), Map.of(),
        ApiVersion.parse("0.11")), java.util.List.of("reg.io/app"))).hasMessageContaining("needs Platform API 0.12");
    assertThat(PhaseRecords.insecureRegistries(new PhaseInputs(Map.of(), Map.of("CNB_INSECURE_REGISTRIES",
        "a.io, b.io:5000"), API))).containsExactlyInAnyOrder("a.io", "b.io:5000");
  }
}
