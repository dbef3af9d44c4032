package dev.cnbfarm.deploy;

import com.github.victools.jsonschema.generator.Option;
import com.github.victools.jsonschema.generator.OptionPreset;
import com.github.victools.jsonschema.generator.SchemaGenerator;
import com.github.victools.jsonschema.generator.SchemaGeneratorConfigBuilder;
import com.github.victools.jsonschema.generator.SchemaVersion;
import com.github.victools.jsonschema.module.jackson.JacksonModule;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import io.strimzi.api.kafka.model.topic.KafkaTopic;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The JSON schemas of every kind deploy/kubernetes renders, all from installed artifacts, none
 * written by hand:
 *
 * <ul>
 *   <li>Kubernetes (Namespace, ConfigMap, Secret, Service, Deployment, PodDisruptionBudget) and
 *       KEDA (ScaledObject, TriggerAuthentication): the npm packages kubernetes-models 5.1.0 and
 *       {@code @kubernetes-models/keda} 2.0.0 (TypeScript types generated from the Kubernetes
 *       OpenAPI spec and KEDA's CRDs), turned into one draft-07 schema by ts-json-schema-generator
 *       2.10.0 over {@code src/test/node/schemas.ts}: closed objects, so unknown fields fail.
 *   <li>Strimzi KafkaTopic: generated with victools jsonschema-generator from Strimzi's own API
 *       model, {@code io.strimzi:api} 0.49.1 (the classes Strimzi generates its CRDs from), objects
 *       closed the same way.
 * </ul>
 *
 * Validated with networknt json-schema-validator (draft-07). Immutable once loaded.
 */
final class ManifestSchemas {
  static final Path NODE_DIR = Path.of("src/test/node");
  private static final Path OUT = Path.of("target/manifest-schemas/kubernetes-keda.json");
  private static final ObjectMapper JSON = JsonMapper.builder().build();

  /** apiVersion/kind → the definition that describes it. */
  private static final Map<String, String> KINDS = Map.of(
      "v1/Namespace", "Namespace", "v1/ConfigMap", "ConfigMap", "v1/Secret", "Secret", "v1/Service", "Service",
      "apps/v1/Deployment", "Deployment", "policy/v1/PodDisruptionBudget", "PodDisruptionBudget",
      "keda.sh/v1alpha1/ScaledObject", "ScaledObject", "keda.sh/v1alpha1/TriggerAuthentication",
      "TriggerAuthentication", "kafka.strimzi.io/v1beta2/KafkaTopic", "KafkaTopic");

  private final Map<String, Schema> schemas;

  private ManifestSchemas(Map<String, Schema> schemas) {
    this.schemas = schemas;
  }

  static ManifestSchemas load() throws IOException {
    ObjectNode root = (ObjectNode) JSON.readTree(kubernetesAndKeda().toFile());
    ObjectNode definitions = (ObjectNode) root.get("definitions");
    addKafkaTopic(definitions);
    // the merged schema, for a reader of the test's verdicts
    JSON.writerWithDefaultPrettyPrinter().writeValue(OUT.resolveSibling("all-kinds.json").toFile(), root);
    SchemaRegistry registry = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_7);
    Map<String, Schema> schemas = new HashMap<>();
    for (Map.Entry<String, String> kind : KINDS.entrySet()) {
      ObjectNode one = JSON.createObjectNode();
      one.put("$schema", "http://json-schema.org/draft-07/schema#");
      one.put("$ref", "#/definitions/" + kind.getValue());
      one.set("definitions", definitions);
      schemas.put(kind.getKey(), registry.getSchema(JSON.writeValueAsString(one)));
    }
    return new ManifestSchemas(Map.copyOf(schemas));
  }

  /** The kinds a schema is known for, as apiVersion/kind. */
  java.util.Set<String> kinds() {
    return schemas.keySet();
  }

  /**
   * What is wrong with one rendered document, one line per error ({@code Deployment/cnbfarm-detect:
   * /spec/replicas: ...}); empty when it is valid.
   */
  List<String> validate(JsonNode doc) {
    String apiVersion = doc.path("apiVersion").asString("");
    String kind = doc.path("kind").asString("");
    String name = kind + "/" + doc.path("metadata").path("name").asString("?");
    Schema schema = schemas.get(apiVersion + "/" + kind);
    if (schema == null) {
      return List.of(name + ": no schema for apiVersion " + apiVersion + " kind " + kind + " (known: "
          + new java.util.TreeSet<>(schemas.keySet()) + ")");
    }
    List<String> errors = new ArrayList<>();
    for (Error e : schema.validate(doc)) {
      errors.add(name + ": " + e.getInstanceLocation() + ": " + e.getMessage());
    }
    return errors;
  }

  /** Runs ts-json-schema-generator once (kept in target/ until the lock file changes). */
  private static Path kubernetesAndKeda() throws IOException {
    Path lock = NODE_DIR.resolve("package-lock.json");
    Path generator = NODE_DIR.resolve("node_modules/.bin/ts-json-schema-generator");
    if (Files.exists(OUT) && Files.getLastModifiedTime(OUT).compareTo(Files.getLastModifiedTime(lock)) > 0
        && Files.getLastModifiedTime(OUT).compareTo(Files.getLastModifiedTime(NODE_DIR.resolve("schemas.ts"))) > 0) {
      return OUT;
    }
    if (!Files.isExecutable(generator)) {
      throw new AssertionError("no " + generator + ": run `npm ci --prefix deploy/src/test/node` (scripts/test does)");
    }
    Files.createDirectories(OUT.getParent());
    KustomizeRenderer.Run run = KustomizeRenderer.run(List.of(generator.toAbsolutePath().toString(), "--path",
        "schemas.ts", "--tsconfig", "tsconfig.json", "--type", "*", "--no-type-check", "-o",
        OUT.toAbsolutePath().toString()), NODE_DIR);
    if (run.exit() != 0) {
      throw new AssertionError("ts-json-schema-generator failed: " + run.err().strip());
    }
    return OUT;
  }

  /**
   * KafkaTopic from Strimzi's model: fields as Jackson serialises them, {@code additionalProperties}
   * (Strimzi's unknown-field keeper, never part of its CRD) left out, every object closed but maps
   * (labels, the topic config), whose values follow the map's value type.
   */
  private static void addKafkaTopic(ObjectNode definitions) {
    SchemaGeneratorConfigBuilder config = new SchemaGeneratorConfigBuilder(SchemaVersion.DRAFT_7,
        OptionPreset.PLAIN_JSON)
        .with(new JacksonModule())
        .with(Option.FORBIDDEN_ADDITIONAL_PROPERTIES_BY_DEFAULT, Option.MAP_VALUES_AS_ADDITIONAL_PROPERTIES,
            Option.DEFINITIONS_FOR_ALL_OBJECTS);
    config.forFields().withIgnoreCheck(f -> f.getName().equals("additionalProperties"));
    com.fasterxml.jackson.databind.node.ObjectNode generated = new SchemaGenerator(config.build())
        .generateSchema(KafkaTopic.class);
    JsonNode topic = JSON.readTree(generated.toString());
    String prefix = "#/definitions/";
    String relocated = topic.toString().replace("\"" + prefix, "\"" + prefix + "strimzi.");
    ObjectNode node = (ObjectNode) JSON.readTree(relocated);
    node.path("definitions").properties().forEach(e -> definitions.set("strimzi." + e.getKey(), e.getValue()));
    node.remove("definitions");
    node.remove("$schema");
    definitions.set("KafkaTopic", node);
  }
}
