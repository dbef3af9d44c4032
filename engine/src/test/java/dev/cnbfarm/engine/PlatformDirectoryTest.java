package dev.cnbfarm.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cnbfarm.lifecycle.api.ApiVersion;
import dev.cnbfarm.lifecycle.extend.DockerfileStep;
import dev.cnbfarm.lifecycle.extend.ExtendKind;
import dev.cnbfarm.lifecycle.platform.Analyzed;
import dev.cnbfarm.lifecycle.platform.Group;
import dev.cnbfarm.lifecycle.platform.GroupEntry;
import dev.cnbfarm.lifecycle.platform.Plan;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The directory adapter of the platform-files port: what is written is read back the same. */
class PlatformDirectoryTest {
  @TempDir Path tmp;

  private PlatformDirectory files() {
    return new PlatformDirectory(tmp.resolve("g/group.toml"), tmp.resolve("p/plan.toml"), tmp.resolve("a/analyzed.toml"),
        tmp.resolve("generated"), tmp.resolve("extended"), tmp.resolve("r/report.toml"));
  }

  @Test
  void groupPlanAndAnalyzedRoundTripThroughTheirFiles() {
    Group group = new Group(List.of(new GroupEntry("bp/a", "1.0.0", "0.10", "")),
        List.of(new GroupEntry("ext/b", "2", "0.11", "")));
    Plan plan = new Plan(List.of(new Plan.Entry(List.of(new Plan.Provider("bp/a", "1.0.0", false)),
        List.of(new Plan.Require("node", Map.of("version", "20"))))));
    Analyzed analyzed = Analyzed.parse("[run-image]\nreference = \"registry.example/run:1\"\n", "test")
        .withBuildImageExtend(true);

    PlatformDirectory files = files();
    files.writeGroup(group);
    files.writePlan(plan);
    files.writeAnalyzed(analyzed);

    assertThat(tmp.resolve("g/group.toml")).exists();
    assertThat(files.readGroup()).isEqualTo(group);
    assertThat(files.readPlan()).isEqualTo(plan);
    assertThat(files.readAnalyzed().toToml()).isEqualTo(analyzed.toToml());
  }

  @Test
  void readsAMissingAnalyzedTomlAsEmpty() {
    assertThat(files().readAnalyzed().toToml()).isEqualTo(Analyzed.empty().toToml());
  }

  @Test
  void clearGeneratedRemovesEveryEarlierOutputAndSaysWhich() throws IOException {
    Path stale = Files.createDirectories(tmp.resolve("generated/ext_old"));
    Files.writeString(stale.resolve("build.Dockerfile"), "FROM x\n");

    assertThat(files().clearGenerated()).containsExactly(stale);
    assertThat(tmp.resolve("generated")).isEmptyDirectory();
    assertThat(files().clearGenerated()).isEmpty();
  }

  @Test
  void listsTheGeneratedDockerfilesOfOneKindWithTheirContextAndArgs() throws IOException {
    Path ext = Files.createDirectories(tmp.resolve("generated/ext_b/context.build"));
    Files.writeString(ext.resolveSibling("build.Dockerfile"), "ARG base_image\nFROM ${base_image}\n");
    Files.writeString(ext.resolveSibling("extend-config.toml"), "[[build.args]]\nname = \"A\"\nvalue = \"1\"\n");
    Group group = new Group(List.of(), List.of(new GroupEntry("ext/b", "2", "0.11", "")));

    List<DockerfileStep> build = files().dockerfiles(ApiVersion.of(0, 13), group, ExtendKind.BUILD, tmp.resolve("app"));

    assertThat(build).singleElement().satisfies(s -> {
      assertThat(s.extensionId()).isEqualTo("ext/b");
      assertThat(s.dockerfile()).isEqualTo(ext.resolveSibling("build.Dockerfile"));
      assertThat(s.context()).isEqualTo(ext);
      assertThat(s.extensionArgs()).extracting(a -> a.name()).containsExactly("A");
    });
    assertThat(files().dockerfiles(ApiVersion.of(0, 13), group, ExtendKind.RUN, tmp.resolve("app"))).isEmpty();
  }
}
