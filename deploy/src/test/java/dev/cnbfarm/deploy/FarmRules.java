package dev.cnbfarm.deploy;

import dev.cnbfarm.runtime.Topic;
import dev.cnbfarm.runtime.Topics;
import dev.cnbfarm.runtime.settings.KafkaSettings;
import dev.cnbfarm.runtime.settings.WorkerSettings;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * What the schemas cannot see: that the rendered farm agrees with the code (topic names, consumer
 * groups) and with itself (the ScaledObjects' targets, topics and bootstrap, a budget and probes
 * per role, bounded scratch space). Each rule returns its problems, one line each; none means it
 * holds. Stateless.
 */
final class FarmRules {
  /** A worker role: its Deployment's component label, its phase (group) and input topics. */
  record Role(String component, String phase, List<Topic> inputs) {}

  static final List<Role> ROLES = List.of(
      new Role("detect", "detect", List.of(Topic.REQUESTED)),
      new Role("extend-build", "extend-build", List.of(Topic.DETECTED)),
      new Role("extend-run", "extend-run", List.of(Topic.DETECTED)),
      new Role("export", "export", List.of(Topic.BUILT, Topic.RUN_READY)));

  private static final KafkaSettings KAFKA = WorkerSettings.fromEnv(Map.of()).kafka();

  private FarmRules() {}

  static List<String> all(Manifests m) {
    List<String> problems = new ArrayList<>();
    problems.addAll(topics(m));
    problems.addAll(scaling(m));
    problems.addAll(workers(m));
    return problems;
  }

  /** The KafkaTopics are exactly the farm's topics and their .dlq twins (Topics.all()). */
  static List<String> topics(Manifests m) {
    Set<String> expected = new TreeSet<>(Topics.defaults().all());
    Set<String> actual = m.ofKind("KafkaTopic").stream().map(Manifests::name).collect(Collectors.toCollection(TreeSet::new));
    List<String> problems = new ArrayList<>();
    if (!actual.equals(expected)) {
      Set<String> missing = new TreeSet<>(expected);
      missing.removeAll(actual);
      Set<String> extra = new TreeSet<>(actual);
      extra.removeAll(expected);
      problems.add("KafkaTopics: missing " + missing + ", not the farm's " + extra);
    }
    return problems;
  }

  /** One ScaledObject per role, on the role's Deployment, group, input topics and bootstrap. */
  static List<String> scaling(Manifests m) {
    List<String> problems = new ArrayList<>();
    String bootstrap = config(m).getOrDefault("CNBFARM_BOOTSTRAP", "?");
    for (Role role : ROLES) {
      String deployment = "cnbfarm-" + role.component();
      List<ObjectNode> scalers = m.ofKind("ScaledObject").stream()
          .filter(s -> s.path("spec").path("scaleTargetRef").path("name").asString("").equals(deployment)).toList();
      if (scalers.size() != 1) {
        problems.add(deployment + ": " + scalers.size() + " ScaledObjects target it, not 1");
        continue;
      }
      JsonNode spec = scalers.get(0).path("spec");
      String where = "ScaledObject/" + Manifests.name(scalers.get(0));
      if (m.find("Deployment", deployment).isEmpty()) {
        problems.add(where + ": targets Deployment " + deployment + ", which is not rendered");
      }
      Set<String> topics = new TreeSet<>();
      for (JsonNode trigger : spec.path("triggers")) {
        JsonNode meta = trigger.path("metadata");
        String topic = meta.path("topic").asString("");
        topics.add(topic);
        if (!trigger.path("type").asString("").equals("kafka")) {
          problems.add(where + ": a trigger of type " + trigger.path("type").asString("") + ", not kafka");
        }
        if (!meta.path("consumerGroup").asString("").equals(KAFKA.groupId(role.phase()))) {
          problems.add(where + ": consumerGroup " + meta.path("consumerGroup").asString("") + ", but the "
              + role.phase() + " workers consume as " + KAFKA.groupId(role.phase()));
        }
        if (!meta.path("bootstrapServers").asString("").equals(bootstrap)) {
          problems.add(where + ": bootstrapServers " + meta.path("bootstrapServers").asString("")
              + ", but the workers' CNBFARM_BOOTSTRAP is " + bootstrap);
        }
        m.find("KafkaTopic", topic).ifPresentOrElse(t -> {
          int partitions = t.path("spec").path("partitions").asInt(0);
          if (spec.path("maxReplicaCount").asInt(0) > partitions) {
            problems.add(where + ": maxReplicaCount " + spec.path("maxReplicaCount").asInt(0) + " over the "
                + partitions + " partitions of " + topic + " (the extra replicas would idle)");
          }
        }, () -> problems.add(where + ": topic " + topic + " is no KafkaTopic"));
      }
      Set<String> inputs = role.inputs().stream().map(Topics.defaults()::name).collect(Collectors.toCollection(TreeSet::new));
      if (!topics.equals(inputs)) {
        problems.add(where + ": triggers on " + topics + ", but the role consumes " + inputs);
      }
    }
    return problems;
  }

  /** Per role: probes on the metrics port, resources, bounded emptyDirs, the config, a budget. */
  static List<String> workers(Manifests m) {
    List<String> problems = new ArrayList<>();
    Map<String, String> config = config(m);
    if (!"0.0.0.0".equals(config.get("CNBFARM_METRICS_ADDRESS"))) {
      problems.add("ConfigMap: CNBFARM_METRICS_ADDRESS is " + config.get("CNBFARM_METRICS_ADDRESS")
          + ": the kubelet's probes come to the pod's IP, not 127.0.0.1");
    }
    String port = config.getOrDefault("CNBFARM_METRICS_PORT", "-1");
    for (Role role : ROLES) {
      String name = "cnbfarm-" + role.component();
      ObjectNode d = m.find("Deployment", name).orElse(null);
      if (d == null) {
        problems.add("Deployment " + name + " is not rendered");
        continue;
      }
      JsonNode pod = d.path("spec").path("template");
      JsonNode c = pod.path("spec").path("containers").path(0);
      String where = "Deployment/" + name;
      probe(c, "livenessProbe", "/healthz", port, where, problems);
      probe(c, "readinessProbe", "/readyz", port, where, problems);
      for (String kind : List.of("requests", "limits")) {
        for (String resource : List.of("cpu", "memory", "ephemeral-storage")) {
          if (c.path("resources").path(kind).path(resource).isMissingNode()) {
            problems.add(where + ": no resources." + kind + "." + resource);
          }
        }
      }
      for (JsonNode v : pod.path("spec").path("volumes")) {
        if (v.has("emptyDir") && v.path("emptyDir").path("sizeLimit").isMissingNode()) {
          problems.add(where + ": emptyDir " + v.path("name").asString("") + " without a sizeLimit");
        }
      }
      boolean configured = false;
      for (JsonNode from : c.path("envFrom")) {
        configured |= m.find("ConfigMap", from.path("configMapRef").path("name").asString("")).isPresent();
      }
      if (!configured) {
        problems.add(where + ": its envFrom names no rendered ConfigMap");
      }
      JsonNode labels = pod.path("metadata").path("labels");
      boolean budget = m.ofKind("PodDisruptionBudget").stream().anyMatch(pdb -> matches(
          pdb.path("spec").path("selector").path("matchLabels"), labels));
      if (!budget) {
        problems.add(where + ": no PodDisruptionBudget selects its pods");
      }
    }
    return problems;
  }

  private static void probe(JsonNode c, String probe, String path, String port, String where, List<String> problems) {
    JsonNode get = c.path(probe).path("httpGet");
    String portName = get.path("port").asString("");
    String containerPort = "";
    for (JsonNode p : c.path("ports")) {
      if (p.path("name").asString("").equals(portName)) {
        containerPort = p.path("containerPort").asString("");
      }
    }
    if (!get.path("path").asString("").equals(path) || !containerPort.equals(port)) {
      problems.add(where + ": " + probe + " is GET " + get.path("path").asString("") + " on port " + portName + " ("
          + containerPort + "), not " + path + " on CNBFARM_METRICS_PORT " + port);
    }
  }

  private static boolean matches(JsonNode selector, JsonNode labels) {
    if (selector.isEmpty()) {
      return false;
    }
    for (Map.Entry<String, JsonNode> e : selector.properties()) {
      if (!labels.path(e.getKey()).asString("").equals(e.getValue().asString())) {
        return false;
      }
    }
    return true;
  }

  /** The workers' CNBFARM_* settings: the ConfigMap their envFrom names. */
  static Map<String, String> config(Manifests m) {
    Map<String, String> config = new HashMap<>();
    for (ObjectNode cm : m.ofKind("ConfigMap")) {
      if (Manifests.name(cm).startsWith("cnbfarm-config")) {
        cm.path("data").properties().forEach(e -> config.put(e.getKey(), e.getValue().asString()));
      }
    }
    return config;
  }
}
