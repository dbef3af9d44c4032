package dev.cnbfarm.image.dockerfile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cnbfarm.image.sandbox.BindMount;
import dev.cnbfarm.lifecycle.exec.Invocation;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BindPlanTest {
  static final BindPlan PLAN = BindPlan.of(List.of(
      BindMount.readWrite(Path.of("/host/app"), "/workspace"),
      BindMount.readWrite(Path.of("/host/layers"), "/layers"),
      BindMount.readOnly(Path.of("/host/layers/extra"), "/extra"),
      BindMount.readOnly(Path.of("/host/bps/acme_java/1.0"), "/cnb/buildpacks/acme_java/1.0")));

  @Test
  void mapsAHostPathThroughTheMostSpecificBind() {
    assertThat(PLAN.toContainer(Path.of("/host/layers/acme"))).contains("/layers/acme");
    assertThat(PLAN.toContainer(Path.of("/host/layers/extra/x"))).contains("/extra/x");
    assertThat(PLAN.toContainer(Path.of("/host/app"))).contains("/workspace");
    assertThat(PLAN.toContainer(Path.of("/host/application"))).isEmpty();
  }

  @Test
  void rewritesBoundPathsInValuesAndPathListsAndKeepsTheRest() {
    assertThat(PLAN.rewrite("/host/layers/acme/bin:/usr/bin:/bin")).isEqualTo("/layers/acme/bin:/usr/bin:/bin");
    assertThat(PLAN.rewrite("http://proxy:3128")).isEqualTo("http://proxy:3128");
    assertThat(PLAN.rewrite("a=b=c")).isEqualTo("a=b=c");
  }

  @Test
  void rewritesAnInvocationToContainerPaths() {
    Invocation host = new Invocation(Path.of("/host/bps/acme_java/1.0/bin/build"),
        List.of("/host/layers/acme_java", "plain"), Map.of("CNB_LAYERS_DIR", "/host/layers/acme_java", "X", "y"),
        Path.of("/host/app"), Duration.ofSeconds(5));

    Invocation inside = PLAN.rewrite(host);

    assertThat(inside.executable()).isEqualTo(Path.of("/cnb/buildpacks/acme_java/1.0/bin/build"));
    assertThat(inside.args()).containsExactly("/layers/acme_java", "plain");
    assertThat(inside.env()).containsEntry("CNB_LAYERS_DIR", "/layers/acme_java").containsEntry("X", "y");
    assertThat(inside.workDir()).isEqualTo(Path.of("/workspace"));
    assertThat(inside.timeout()).isEqualTo(Duration.ofSeconds(5));
  }

  @Test
  void refusesAnExecutableOutsideEveryBind() {
    Invocation host = new Invocation(Path.of("/elsewhere/bin/build"), List.of(), Map.of(), Path.of("/host/app"),
        Duration.ofSeconds(5));

    assertThatThrownBy(() -> PLAN.rewrite(host)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("executable /elsewhere/bin/build is not under any bind");
  }
}
