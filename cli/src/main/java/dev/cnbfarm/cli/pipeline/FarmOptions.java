package dev.cnbfarm.cli.pipeline;

import dev.cnbfarm.runtime.client.BuildClient;
import dev.cnbfarm.runtime.settings.KafkaSettings;
import dev.cnbfarm.runtime.settings.WorkerSettings;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * Where the farm is: {@code --bootstrap} (else {@code CNBFARM_BOOTSTRAP}), and every other farm
 * setting from the {@code CNBFARM_*} env ({@link WorkerSettings}). Mutable while picocli fills it.
 */
final class FarmOptions {
  @Option(names = "--bootstrap", paramLabel = "<host:port>",
      description = "the farm's Kafka bootstrap servers (default: CNBFARM_BOOTSTRAP, else 127.0.0.1:9092)")
  String bootstrap;

  /** The env with the flags applied. */
  Map<String, String> env(Map<String, String> env) {
    Map<String, String> out = new LinkedHashMap<>(env);
    if (bootstrap != null) {
      out.put(KafkaSettings.BOOTSTRAP.env(), bootstrap);
    }
    return out;
  }

  WorkerSettings settings(Map<String, String> env) {
    return WorkerSettings.fromEnv(env(env));
  }

  static BuildClient client(WorkerSettings settings) {
    return BuildClient.connect(settings.kafka().bootstrap(), settings.kafka().topics(), settings.instance(),
        settings.kafka().clientProperties(), Clock.systemUTC());
  }
}
