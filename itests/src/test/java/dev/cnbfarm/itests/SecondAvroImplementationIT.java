package dev.cnbfarm.itests;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cnbfarm.runtime.codec.EventCodec;
import dev.cnbfarm.schemas.AppliedDockerfile;
import dev.cnbfarm.schemas.BuildDetected;
import dev.cnbfarm.schemas.BuildFailed;
import dev.cnbfarm.schemas.BuildLog;
import dev.cnbfarm.schemas.BuildRequested;
import dev.cnbfarm.schemas.BuildSpec;
import dev.cnbfarm.schemas.DockerfileKind;
import dev.cnbfarm.schemas.FailureCategory;
import dev.cnbfarm.schemas.FailureCode;
import dev.cnbfarm.schemas.GroupModule;
import dev.cnbfarm.schemas.LogStream;
import dev.cnbfarm.schemas.RunImageChoice;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The events are readable by any Avro implementation from the {@code .avsc} files alone (design.md
 * §2): Debian's python3-avro decodes what {@link EventCodec} writes, finding each writer schema by
 * the single-object fingerprint it computes itself.
 */
class SecondAvroImplementationIT {
  static final Path PYTHON = Path.of("/usr/bin/python3");
  static final Path SCRIPT = Path.of("src/test/python/cnbfarm_avro.py").toAbsolutePath();
  static final Path AVSC = Path.of("../schemas/src/main/avro").toAbsolutePath();
  private static final Instant AT = Instant.parse("2026-12-02T01:02:03.456Z");

  @TempDir Path tmp;

  static BuildSpec spec() {
    return BuildSpec.newBuilder().setBuilderImage("oci:/b:builder").setSourceRepository("127.0.0.1:5000/app")
        .setSourceDigest("sha256:" + "a".repeat(64)).setTargetImage("127.0.0.1:5000/app:1").setTags(List.of("t2"))
        .setEnv(Map.of("BP_X", "1")).setRunImage("oci:/r:run").setRequestedBy("ci@host").build();
  }

  @Test
  void pythonAvroDecodesEveryEventKindFromTheSchemaFilesAlone() throws Exception {
    EventCodec codec = new EventCodec();
    List<SpecificRecord> events = List.of(
        BuildRequested.newBuilder().setEventId("e1").setBuildId("b1").setAttempt(1).setOccurredAt(AT)
            .setProducer("cli").setSpec(spec()).build(),
        BuildDetected.newBuilder().setEventId("e2").setBuildId("b1").setAttempt(1).setOccurredAt(AT)
            .setProducer("detect-1").setSpec(spec()).setBuilderImage("oci:/b@sha256:" + "b".repeat(64))
            .setGroup(List.of(GroupModule.newBuilder().setId("samples/hello").setVersion("0.0.1").build(),
                GroupModule.newBuilder().setId("samples/motd").setVersion("0.0.1").setExtension(true).build()))
            .setPlanToml("[[entries]]\n").setAnalyzedToml("[run-image]\n")
            .setDockerfiles(List.of(AppliedDockerfile.newBuilder().setExtensionId("samples/motd")
                .setKind(DockerfileKind.RUN).setText("ARG base_image\nFROM ${base_image}\n")
                .setArgs(Map.of("k", "v")).setContextDigest("sha256:" + "c".repeat(64)).build()))
            .setRunImage(RunImageChoice.newBuilder().setReference("oci:/r@sha256:" + "d".repeat(64))
                .setName("oci:/r:run-tiny").setSwitched(true).setExtended(true).build())
            .setBuildUid(1000).setBuildGid(1000).setGeneratedDigest("sha256:" + "e".repeat(64)).build(),
        BuildFailed.newBuilder().setEventId("e3").setBuildId("b1").setAttempt(1).setOccurredAt(AT).setProducer("x")
            .setPhase("detect").setCode(FailureCode.DETECT_FAILED).setExitCode(20)
            .setCategory(FailureCategory.OUTCOME).setMessage("no buildpack group passed detection").build(),
        BuildLog.newBuilder().setEventId("e4").setBuildId("b1").setAttempt(1).setOccurredAt(AT).setProducer("x")
            .setPhase("extend-build").setStream(LogStream.STDERR).setLine("warning: ünïcode").setSequence(7).build());
    List<String> args = new ArrayList<>(List.of(PYTHON.toString(), SCRIPT.toString(), "decode", AVSC.toString()));
    for (int i = 0; i < events.size(); i++) {
      Path file = tmp.resolve(i + ".bin");
      Files.write(file, codec.encode(events.get(i)));
      args.add(file.toString());
    }

    List<JsonNode> decoded = run(args);

    ObjectMapper json = new ObjectMapper();
    assertThat(decoded).extracting(n -> n.path("schema").asText())
        .containsExactly("BuildRequested", "BuildDetected", "BuildFailed", "BuildLog");
    for (int i = 0; i < events.size(); i++) {
      assertThat(decoded.get(i).path("fingerprint").asText())
          .isEqualTo(HexFormat.of().toHexDigits(EventCodec.fingerprintOf(events.get(i).getClass())));
    }
    JsonNode detected = decoded.get(1).path("event");
    assertThat(detected.path("spec").path("env").path("BP_X").asText()).isEqualTo("1");
    assertThat(detected.path("group").get(1).path("extension").asBoolean()).isTrue();
    assertThat(detected.path("dockerfiles").get(0).path("kind").asText()).isEqualTo("RUN");
    assertThat(detected.path("dockerfiles").get(0).path("text").asText()).isEqualTo("ARG base_image\nFROM ${base_image}\n");
    assertThat(detected.path("runImage").path("switched").asBoolean()).isTrue();
    assertThat(decoded.get(2).path("event").path("exitCode").asInt()).isEqualTo(20);
    assertThat(decoded.get(3).path("event").path("line").asText()).isEqualTo("warning: ünïcode");
    assertThat(decoded.get(0).path("event").path("occurredAt").asText()).startsWith("2026-12-02 01:02:03.456");
    assertThat(json).isNotNull();
  }

  static List<JsonNode> run(List<String> args) throws Exception {
    Process p = new ProcessBuilder(args).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    ObjectMapper json = new ObjectMapper();
    List<JsonNode> nodes = new ArrayList<>();
    for (String line : out.lines().toList()) {
      nodes.add(json.readTree(line));
    }
    return nodes;
  }
}
