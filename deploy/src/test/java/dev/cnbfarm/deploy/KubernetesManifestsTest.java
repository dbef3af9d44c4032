package dev.cnbfarm.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * deploy/kubernetes renders with kustomize (Debian 12's kubectl 1.20, and the PATH's newer
 * kubectl where there is one) and every rendered document validates against the schema of its
 * kind (ManifestSchemas); the farm's own rules (FarmRules) hold. The negative cases show that a
 * broken manifest does fail.
 */
class KubernetesManifestsTest {
  private static final Path ROOT = Path.of("kubernetes");
  private static final List<String> KUSTOMIZATIONS = List.of("base", "overlays/dev", "overlays/production");
  private static final Map<String, Manifests> RENDERED = new HashMap<>();
  private static ManifestSchemas schemas;
  private static List<KustomizeRenderer> renderers;

  @BeforeAll
  static void renderAll() throws IOException {
    schemas = ManifestSchemas.load();
    renderers = KustomizeRenderer.available();
    for (KustomizeRenderer r : renderers) {
      for (String k : KUSTOMIZATIONS) {
        RENDERED.put(r + " " + k, Manifests.parse(r.render(ROOT.resolve(k))));
      }
    }
  }

  static Stream<String> kustomizations() {
    return KUSTOMIZATIONS.stream();
  }

  private static Manifests rendered(String kustomization) {
    return RENDERED.get(renderers.get(0) + " " + kustomization);
  }

  @ParameterizedTest
  @MethodSource("kustomizations")
  void everyRenderedDocumentMatchesTheSchemaOfItsKind(String kustomization) {
    for (KustomizeRenderer r : renderers) {
      Manifests m = RENDERED.get(r + " " + kustomization);
      assertThat(m.docs()).as(r + " " + kustomization).hasSizeGreaterThan(20);
      List<String> errors = new ArrayList<>();
      m.docs().forEach(d -> errors.addAll(schemas.validate(d)));
      assertThat(errors).as(r + " " + kustomization).isEmpty();
    }
  }

  @ParameterizedTest
  @MethodSource("kustomizations")
  void theFarmAgreesWithTheCodeAndWithItself(String kustomization) {
    for (KustomizeRenderer r : renderers) {
      assertThat(FarmRules.all(RENDERED.get(r + " " + kustomization))).as(r + " " + kustomization).isEmpty();
    }
  }

  @Test
  void everyRendererGivesTheSameDocuments() {
    for (String k : KUSTOMIZATIONS) {
      List<String> first = ids(rendered(k));
      for (KustomizeRenderer r : renderers) {
        assertThat(ids(RENDERED.get(r + " " + k))).as(r + " " + k).containsExactlyInAnyOrderElementsOf(first);
      }
    }
  }

  private static List<String> ids(Manifests m) {
    // generated ConfigMap names carry a content hash, which differs between kustomize versions
    return m.docs().stream().map(d -> d.path("kind").asString() + "/"
        + Manifests.name(d).replaceAll("^(cnbfarm-config)-[a-z0-9]{10}$", "$1")).toList();
  }

  @Test
  void theExportWorkerRunsAsTheRestrictedProfileAsks() {
    for (String k : KUSTOMIZATIONS) {
      JsonNode sc = container(rendered(k), "cnbfarm-export").path("securityContext");
      assertThat(sc.path("runAsNonRoot").asBoolean()).as(k).isTrue();
      assertThat(sc.path("allowPrivilegeEscalation").asBoolean(true)).as(k).isFalse();
      assertThat(sc.path("readOnlyRootFilesystem").asBoolean()).as(k).isTrue();
      assertThat(sc.path("capabilities").path("drop").toString()).as(k).isEqualTo("[\"ALL\"]");
      assertThat(sc.path("seccompProfile").path("type").asString()).as(k).isEqualTo("RuntimeDefault");
    }
  }

  @Test
  void productionRunsTheSandboxWorkersInAUserNamespaceWithCapabilitiesNotPrivileged() {
    Manifests m = rendered("overlays/production");
    for (String name : List.of("cnbfarm-detect", "cnbfarm-extend-build", "cnbfarm-extend-run")) {
      JsonNode pod = m.find("Deployment", name).orElseThrow().path("spec").path("template").path("spec");
      JsonNode sc = pod.path("containers").path(0).path("securityContext");
      assertThat(pod.path("hostUsers").asBoolean(true)).as(name).isFalse();
      assertThat(sc.path("privileged").asBoolean(true)).as(name).isFalse();
      assertThat(sc.path("procMount").asString()).as(name).isEqualTo("Unmasked");
      assertThat(sc.path("capabilities").path("drop").toString()).as(name).isEqualTo("[\"ALL\"]");
      assertThat(sc.path("capabilities").path("add").toString()).as(name).contains("\"SYS_ADMIN\"")
          .doesNotContain("\"ALL\"", "\"MKNOD\"", "\"SYS_MODULE\"");
    }
    // the base, for clusters without user namespaces, says privileged (and why, in its comments)
    JsonNode base = container(rendered("base"), "cnbfarm-extend-build").path("securityContext");
    assertThat(base.path("privileged").asBoolean()).isTrue();
  }

  @Test
  void aScaledObjectWithAMisspelledFieldFails() {
    ObjectNode so = first(rendered("base"), "ScaledObject");
    ((ObjectNode) so.path("spec")).put("maxReplicaCont", 4);
    assertThat(schemas.validate(so)).singleElement().asString()
        .startsWith("ScaledObject/cnbfarm-detect: /spec: ").contains("maxReplicaCont");
  }

  @Test
  void aScaledObjectTriggerWithoutItsTypeFails() {
    ObjectNode so = first(rendered("base"), "ScaledObject");
    ((ObjectNode) so.path("spec").path("triggers").path(0)).remove("type");
    assertThat(schemas.validate(so)).singleElement().asString().contains("/spec/triggers/0").contains("type");
  }

  @Test
  void aDeploymentWithAMisspelledOrMistypedFieldFails() {
    ObjectNode d = first(rendered("base"), "Deployment");
    ((ObjectNode) d.path("spec")).put("replicas", "two");
    ((ObjectNode) d.path("spec").path("template").path("spec").path("containers").path(0).path("securityContext"))
        .put("readOnlyRootFileSystem", true);
    assertThat(schemas.validate(d)).hasSize(2).anySatisfy(e -> assertThat(e).contains("/spec/replicas"))
        .anySatisfy(e -> assertThat(e).contains("readOnlyRootFileSystem"));
  }

  @Test
  void aKafkaTopicWithAMisspelledOrMistypedFieldFails() {
    ObjectNode t = first(rendered("base"), "KafkaTopic");
    ((ObjectNode) t.path("spec")).put("partition", 8);
    ((ObjectNode) t.path("spec")).put("replicas", "three");
    assertThat(schemas.validate(t)).hasSize(2).anySatisfy(e -> assertThat(e).contains("partition"))
        .anySatisfy(e -> assertThat(e).contains("/spec/replicas"));
  }

  @Test
  void aKindWithoutASchemaFails() {
    ObjectNode so = first(rendered("base"), "ScaledObject");
    so.put("kind", "ScaledObjekt");
    assertThat(schemas.validate(so)).singleElement().asString().contains("no schema for apiVersion keda.sh/v1alpha1 "
        + "kind ScaledObjekt");
  }

  @Test
  void aScaledObjectOnAnotherGroupOrBootstrapBreaksTheFarmRules() {
    Manifests m = rendered("base").copy();
    ObjectNode meta = (ObjectNode) m.find("ScaledObject", "cnbfarm-extend-run").orElseThrow().path("spec")
        .path("triggers").path(0).path("metadata");
    meta.put("consumerGroup", "cnbfarm-extend-build");
    meta.put("bootstrapServers", "kafka:9092");
    assertThat(FarmRules.scaling(m)).containsExactly(
        "ScaledObject/cnbfarm-extend-run: consumerGroup cnbfarm-extend-build, but the extend-run workers consume as "
            + "cnbfarm-extend-run",
        "ScaledObject/cnbfarm-extend-run: bootstrapServers kafka:9092, but the workers' CNBFARM_BOOTSTRAP is "
            + "cnbfarm-kafka-bootstrap.cnbfarm.svc:9092");
  }

  @Test
  void aMissingDeadLetterTopicOrAnUnboundedScratchDirBreaksTheFarmRules() {
    Manifests m = rendered("base").copy();
    List<ObjectNode> docs = new ArrayList<>(m.docs());
    docs.removeIf(d -> Manifests.name(d).equals("cnbfarm.build.detected.v1.dlq"));
    m.find("Deployment", "cnbfarm-detect").orElseThrow().path("spec").path("template").path("spec").path("volumes")
        .forEach(v -> {
          if (v.has("emptyDir")) {
            ((ObjectNode) v.get("emptyDir")).remove("sizeLimit");
          }
        });
    Manifests broken = new Manifests(docs);
    assertThat(FarmRules.topics(broken)).containsExactly("KafkaTopics: missing [cnbfarm.build.detected.v1.dlq], "
        + "not the farm's []");
    assertThat(FarmRules.workers(broken)).contains("Deployment/cnbfarm-detect: emptyDir cache without a sizeLimit");
  }

  @Test
  void aPatchOfAResourceTheBaseLacksFailsToRender(@TempDir Path dir) throws IOException {
    Path overlay = dir.resolve("broken");
    Files.createDirectories(overlay);
    Files.writeString(overlay.resolve("kustomization.yaml"), "bases:\n- " + ROOT.resolve("base").toAbsolutePath()
        + "\npatchesStrategicMerge:\n- patch.yaml\n");
    Files.writeString(overlay.resolve("patch.yaml"), "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n"
        + "  name: cnbfarm-no-such-role\nspec:\n  replicas: 2\n");
    for (KustomizeRenderer r : renderers) {
      assertThatThrownBy(() -> r.render(overlay)).as(r.toString()).hasMessageStartingWith(r + " kustomize " + overlay
          + " failed: ");
    }
  }

  private static ObjectNode first(Manifests m, String kind) {
    return m.copy().ofKind(kind).get(0);
  }

  private static JsonNode container(Manifests m, String deployment) {
    return m.find("Deployment", deployment).orElseThrow().path("spec").path("template").path("spec")
        .path("containers").path(0);
  }
}
