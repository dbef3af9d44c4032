package dev.cnbfarm.image.dockerfile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cnbfarm.image.layer.LayerBlob;
import dev.cnbfarm.image.rootfs.LayerStack;
import dev.cnbfarm.image.sandbox.Sandbox;
import dev.cnbfarm.image.store.ImageConfig;
import dev.cnbfarm.lifecycle.failure.FailureCode;
import dev.cnbfarm.lifecycle.failure.LifecycleException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The applier against the real sandbox, overlayfs and layer codec, on a busybox base image. */
class DockerfileApplierTest {
  @TempDir Path work;
  private ApplierFixture fixture;
  private Path context;
  private ImageState base;
  private DockerfileApplier applier;
  private List<String> lines;

  @BeforeEach
  void setUp() throws IOException {
    fixture = new ApplierFixture(work);
    context = fixture.context;
    base = fixture.base;
    lines = fixture.lines;
    applier = fixture.applier(Sandbox.create());
  }

  private ApplyResult apply(String dockerfile, Map<String, String> extraArgs) throws IOException {
    return applier.apply(fixture.request(dockerfile, extraArgs));
  }

  @Test
  void appliesConfigInstructionsAndMakesOneLayerPerFilesystemStep() throws IOException {
    ApplyResult r = apply("""
        ARG base_image
        FROM ${base_image}
        ARG user_id
        ARG group_id
        ENV GREETING="hello world" EQ=a=b
        LABEL io.buildpacks.rebasable=true
        USER root
        RUN echo "$GREETING from $(id -u)" > /greeting && rm /data/a && rm -rf /etc/motd
        COPY file.txt /opt/tool/
        WORKDIR /srv/app
        USER ${user_id}:${group_id}
        CMD ["ignored"]
        """, Map.of());
    ImageConfig c = r.image().config();
    assertThat(c.env()).contains("GREETING=hello world", "EQ=a=b");
    assertThat(c.labels()).containsEntry("io.buildpacks.rebasable", "true");
    assertThat(c.user()).contains("1000:1000");
    assertThat(c.workingDir()).contains("/srv/app");
    assertThat(r.newLayers()).hasSize(3);
    assertThat(r.runsExecuted()).isEqualTo(1);
    assertThat(r.warnings()).singleElement().asString().contains("CMD is not applied");
    LayerStack merged = r.image().stack();
    assertThat(merged.readText("/greeting")).contains("hello world from 0\n");
    assertThat(merged.readText("/opt/tool/file.txt")).contains("from the context\n");
    assertThat(merged.readText("/data/a")).isEmpty();
    assertThat(merged.readText("/etc/motd")).isEmpty();
    assertThat(LayerStack.isWhiteout(r.newLayers().get(0).dir().resolve("data/a"))).isTrue();
    assertThat(c.history()).extracting(ImageConfig.History::createdBy).containsExactly(
        "Layer: 'RUN echo \"$GREETING from $(id -u)\" > /greeting && rm /data/a && rm -rf /etc/motd', Created by extension: test/ext",
        "Layer: 'COPY file.txt /opt/tool/', Created by extension: test/ext",
        "Layer: 'WORKDIR /srv/app', Created by extension: test/ext");
    assertThat(c.diffIds()).hasSize(3);
    for (StateLayer l : r.newLayers()) {
      LayerBlob blob = l.blob().orElseThrow();
      assertThat(blob.file()).exists();
      assertThat(blob.diffId()).isEqualTo(l.diffId());
    }
  }

  @Test
  void stepsThatChangeNoFilesStackTheSameEmptyLayerTwiceAndLaterStepsStillMount() throws IOException {
    // Two RUN steps that change nothing give two identical empty layers (one rootfs dir); the
    // third step mounts an overlay over both, which overlayfs refuses for a repeated lowerdir.
    ApplyResult r = apply("""
        ARG base_image
        FROM ${base_image}
        ARG build_id=0
        RUN echo ${build_id} > /dev/null
        RUN true
        RUN id -u > /tmp/uid
        """, Map.of());
    assertThat(r.newLayers()).hasSize(3);
    assertThat(r.newLayers().get(0).diffId()).isEqualTo(r.newLayers().get(1).diffId());
    assertThat(r.image().stack().readText("/tmp/uid")).contains("1000\n");
    ApplyResult again = applier.apply(new ApplyRequest(r.image(),
        Files.writeString(work.resolve("Dockerfile-second"), "ARG base_image\nFROM ${base_image}\nRUN true\nRUN cat /tmp/uid > /tmp/seen\n"),
        Map.of("build_id", UUID.randomUUID().toString(), "user_id", "1000", "group_id", "1000",
            "base_image", "registry.test/base@sha256:" + "b".repeat(64)), context, "test/ext2"));
    assertThat(again.image().stack().readText("/tmp/seen")).contains("1000\n");
  }

  @Test
  void ignoredPathsNeverEnterALayer() throws IOException {
    ApplyResult r = apply("""
        ARG base_image
        FROM ${base_image}
        USER root
        RUN mkdir -p /workspace /layers /platform /var/run && touch /workspace/a /layers/b /platform/c /var/run/d /kept
        """, Map.of());
    Path layer = r.newLayers().get(0).dir();
    assertThat(layer.resolve("kept")).exists();
    assertThat(layer.resolve("workspace")).doesNotExist();
    assertThat(layer.resolve("layers")).doesNotExist();
    assertThat(layer.resolve("platform")).doesNotExist();
    assertThat(layer.resolve("var/run")).doesNotExist();
  }

  @Test
  void secondIdenticalApplyRunsNothingBeforeTheFirstUseOfBuildId() throws IOException {
    String df = """
        ARG base_image
        FROM ${base_image}
        USER root
        RUN echo one > /one
        COPY file.txt /copied
        ARG build_id=0
        RUN echo "$build_id" > /id
        """;
    ApplyResult first = apply(df, Map.of());
    assertThat(first.runsExecuted()).isEqualTo(2);
    assertThat(first.cacheHits()).isZero();
    ApplyResult second = apply(df, Map.of());
    assertThat(second.runsExecuted()).isEqualTo(1);
    assertThat(second.cacheHits()).isEqualTo(2);
    assertThat(second.newLayers().subList(0, 2)).extracting(StateLayer::diffId)
        .isEqualTo(first.newLayers().subList(0, 2).stream().map(StateLayer::diffId).toList());
    ApplyResult same = apply(df, Map.of("build_id", "fixed"));
    ApplyResult again = apply(df, Map.of("build_id", "fixed"));
    assertThat(same.runsExecuted()).isEqualTo(1);
    assertThat(again.runsExecuted()).isZero();
    assertThat(again.cacheHits()).isEqualTo(3);
  }

  @Test
  void changedCopySourceMissesTheCache() throws IOException {
    String df = "ARG base_image\nFROM ${base_image}\nCOPY file.txt /copied\n";
    apply(df, Map.of());
    Files.writeString(context.resolve("file.txt"), "changed\n");
    ApplyResult r = apply(df, Map.of());
    assertThat(r.cacheHits()).isZero();
    assertThat(r.image().stack().readText("/copied")).contains("changed\n");
  }

  @Test
  void anUnparsableDockerfileFailsTheExtendNotTheGenerate() {
    // generate checks Dockerfiles (92); one that reaches the applier unparsable is an extend error (102)
    assertThatThrownBy(() -> apply("ARG base_image\nFROM ${base_image}\nFROBNICATE /x\n", Map.of()))
        .isInstanceOf(LifecycleException.class).hasMessageEndingWith("line 3: unknown instruction: FROBNICATE")
        .extracting(e -> ((LifecycleException) e).code()).isEqualTo(FailureCode.EXTEND_ERROR);
  }

  @Test
  void copyOutOfTheContextIsRejected() throws IOException {
    Files.writeString(work.resolve("secret"), "s");
    assertThatThrownBy(() -> apply("ARG base_image\nFROM ${base_image}\nCOPY ../secret /x\n", Map.of()))
        .isInstanceOf(LifecycleException.class).hasMessageContaining("outside the build context")
        .hasMessageContaining("line 3").extracting(e -> ((LifecycleException) e).code()).isEqualTo(FailureCode.EXTEND_ERROR);
    Files.createSymbolicLink(context.resolve("link"), work.resolve("secret"));
    assertThatThrownBy(() -> apply("ARG base_image\nFROM ${base_image}\nCOPY link /x\n", Map.of()))
        .hasMessageContaining("resolves outside the build context");
  }

  @Test
  void copyFromBaseImageAndChownAndParentModes() throws IOException {
    ApplyResult r = apply("""
        ARG base_image
        FROM ${base_image}
        COPY --from=${base_image} /etc/motd /copied-motd
        COPY --chown=cnb file.txt /tmp/owned/
        """, Map.of());
    assertThat(r.image().stack().readText("/copied-motd")).contains("welcome\n");
    Path owned = r.newLayers().get(1).dir().resolve("tmp/owned/file.txt");
    assertThat(Files.getAttribute(owned, "unix:uid")).isEqualTo(1000);
    int tmpMode = (Integer) Files.getAttribute(r.newLayers().get(1).dir().resolve("tmp"), "unix:mode", LinkOption.NOFOLLOW_LINKS);
    assertThat(tmpMode & 07777).isEqualTo(0777);
  }

  @Test
  void aDockerfileThatWouldStackMoreLayersThanOverlayfsTakesFailsBeforeItsFirstStep() {
    // 2 base layers + 499 RUNs = 501 layers; the first RUN would fail if it ran.
    String df = "ARG base_image\nFROM ${base_image}\nRUN exit 3\n" + "RUN true\n".repeat(498);

    assertThatThrownBy(() -> apply(df, Map.of()))
        .isInstanceOf(LifecycleException.class)
        .hasMessageContaining("would have 501 layers (2 in the base image, 499 from RUN/COPY/ADD)")
        .hasMessageContaining("at most 499");
    assertThat(lines).noneMatch(line -> line.contains("Step 1/"));
  }

  @Test
  void failingRunNamesTheFileLineAndExitCode() {
    assertThatThrownBy(() -> apply("ARG base_image\nFROM ${base_image}\nUSER root\nRUN exit 7\n", Map.of()))
        .isInstanceOf(LifecycleException.class).hasMessageContaining("line 4").hasMessageContaining("non-zero code: 7")
        .hasMessageContaining("test/ext");
  }

  @Test
  void runUsesTheImageUserResolvedFromPasswd() throws IOException {
    ApplyResult r = apply("ARG base_image\nFROM ${base_image}\nRUN id -u > /tmp/uid\n", Map.of());
    assertThat(r.image().stack().readText("/tmp/uid")).contains("1000\n");
  }

  @Test
  void addUnpacksALocalArchiveAndShellChangesTheShellOfLaterRuns() throws IOException {
    Path tree = Files.createDirectories(work.resolve("archive-tree/pkg"));
    Files.writeString(tree.resolve("hello.txt"), "from the archive\n");
    dev.cnbfarm.image.layer.LayerWriter.of().writeTree(work.resolve("archive-tree"), context.resolve("pkg.tar.gz"));
    ApplyResult r = apply("""
        ARG base_image
        FROM ${base_image}
        USER root
        ADD pkg.tar.gz /opt/
        SHELL ["/bin/busybox", "sh", "-c"]
        RUN echo "shell: $0" > /tmp/shell
        RUN ["/bin/busybox", "cp", "/opt/pkg/hello.txt", "/tmp/exec-form"]
        """, Map.of());
    assertThat(r.image().stack().readText("/opt/pkg/hello.txt")).contains("from the archive\n");
    assertThat(r.image().stack().readText("/tmp/shell")).contains("shell: sh\n");
    assertThat(r.image().stack().readText("/tmp/exec-form")).contains("from the archive\n");
  }

  @Test
  void addRefusesRemoteSources() {
    assertThatThrownBy(() -> apply("ARG base_image\nFROM ${base_image}\nADD https://example.org/x.tgz /x\n", Map.of()))
        .hasMessageContaining("remote sources are not supported").hasMessageContaining("line 3");
  }

  @Test
  void extensionArgsReachRunStepsAsEnv() throws IOException {
    ApplyResult r = apply("""
        ARG base_image
        FROM ${base_image}
        ARG PACKAGES
        USER root
        RUN echo "installing $PACKAGES" > /tmp/packages
        """, Map.of("PACKAGES", "jq curl"));
    assertThat(r.image().stack().readText("/tmp/packages")).contains("installing jq curl\n");
    assertThat(r.image().config().env()).noneMatch(e -> e.startsWith("PACKAGES="));
  }
}
