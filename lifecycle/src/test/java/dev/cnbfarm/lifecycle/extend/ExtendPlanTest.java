package dev.cnbfarm.lifecycle.extend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cnbfarm.lifecycle.api.ApiVersion;
import dev.cnbfarm.lifecycle.failure.FailureCode;
import dev.cnbfarm.lifecycle.failure.LifecycleException;
import dev.cnbfarm.lifecycle.platform.ExtendConfig;
import dev.cnbfarm.lifecycle.platform.Group;
import dev.cnbfarm.lifecycle.platform.GroupEntry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExtendPlanTest {
  @TempDir Path generated;
  @TempDir Path app;
  private final Group group = new Group(List.of(new GroupEntry("bp/a", "1", "0.10", "")),
      List.of(new GroupEntry("ext/one", "1", "0.11", ""), new GroupEntry("ext/two", "1", "0.11", ""),
          new GroupEntry("ext/three", "1", "0.11", "")));

  private Path write(String path, String content) throws IOException {
    Path p = generated.resolve(path);
    Files.createDirectories(p.getParent());
    return Files.writeString(p, content);
  }

  @Test
  void collectsDockerfilesInGroupOrderSkippingIgnoredAndMissing() throws IOException {
    write("ext_one/run.Dockerfile", "FROM x");
    write("ext_two/run.Dockerfile.ignore", "FROM y");
    write("ext_two/build.Dockerfile", "ARG base_image\nFROM ${base_image}");
    write("ext_three/run.Dockerfile", "ARG base_image\nFROM ${base_image}\nRUN true");
    List<DockerfileStep> run = ExtendPlan.collect(ApiVersion.of(0, 13), generated, group, ExtendKind.RUN, app);
    assertThat(run).extracting(DockerfileStep::extensionId).containsExactly("ext/one", "ext/three");
    List<DockerfileStep> build = ExtendPlan.collect(ApiVersion.of(0, 13), generated, group, ExtendKind.BUILD, app);
    assertThat(build).extracting(DockerfileStep::extensionId).containsExactly("ext/two");
  }

  @Test
  void contextPrecedenceIsKindThenSharedThenApp() throws IOException {
    write("ext_one/run.Dockerfile", "FROM x");
    write("ext_one/context.run/a", "");
    write("ext_one/context.build/b", "");
    write("ext_two/run.Dockerfile", "FROM x");
    write("ext_two/context/c", "");
    write("ext_three/run.Dockerfile", "FROM x");
    List<DockerfileStep> run = ExtendPlan.collect(ApiVersion.of(0, 13), generated, group, ExtendKind.RUN, app);
    assertThat(run).extracting(DockerfileStep::context).containsExactly(generated.resolve("ext_one/context.run"),
        generated.resolve("ext_two/context"), app);
  }

  @Test
  void beforePlatform013ReadsKindDirsAndAlwaysUsesTheApp() throws IOException {
    write("run/ext_one/Dockerfile", "FROM x");
    write("run/ext_one/context/ignored", "");
    write("run/ext_one/extend-config.toml", "[[run.args]]\nname = \"A\"\nvalue = \"1\"\n");
    write("run/ext_two/Dockerfile.ignore", "FROM y");
    List<DockerfileStep> run = ExtendPlan.collect(ApiVersion.of(0, 12), generated, group, ExtendKind.RUN, app);
    assertThat(run).singleElement().satisfies(s -> {
      assertThat(s.context()).isEqualTo(app);
      assertThat(s.extensionArgs()).containsExactly(new ExtendConfig.BuildArg("A", "1"));
    });
  }

  @Test
  void invalidKindIsInvalidArguments() {
    assertThatThrownBy(() -> ExtendKind.parse("both")).isInstanceOf(LifecycleException.class)
        .extracting(e -> ((LifecycleException) e).code()).isEqualTo(FailureCode.INVALID_ARGS);
  }
}
