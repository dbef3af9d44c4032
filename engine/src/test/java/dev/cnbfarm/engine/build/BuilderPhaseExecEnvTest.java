package dev.cnbfarm.engine.build;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cnbfarm.engine.testing.Fixtures;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code CNB_EXEC_ENV} during {@code /bin/build} (buildpack.md 0.12 "Environment"; the reference's
 * buildpack/build.go): given to buildpacks of Buildpack API 0.12+, default {@code production},
 * whatever the Platform API.
 */
class BuilderPhaseExecEnvTest {
  @TempDir Path tmp;

  @ParameterizedTest
  @CsvSource({"0.15, test, test", "0.15, '', production", "0.13, test, test", "0.10, '', production"})
  void buildGetsCnbExecEnvFromBuildpackApi012(String platformApi, String execEnv, String expected) {
    Fixtures fx = Fixtures.in(tmp).plan("").env("CNB_EXEC_ENV", execEnv.isEmpty() ? null : execEnv);
    fx.buildpack("acme/new").api("0.12").build("echo \"exec=${CNB_EXEC_ENV-unset}\" > \"$1/seen.txt\"");
    fx.buildpack("acme/old").api("0.11").build("echo \"exec=${CNB_EXEC_ENV-unset}\" > \"$1/seen.txt\"");
    fx.group(List.of("acme/new", "acme/old"), "");

    fx.newerFlagsAsEnv().build(platformApi);

    assertThat(Fixtures.envDump(fx.layers().resolve("acme_new/seen.txt"))).containsEntry("exec", expected);
    assertThat(Fixtures.envDump(fx.layers().resolve("acme_old/seen.txt"))).containsEntry("exec", "unset");
  }
}
