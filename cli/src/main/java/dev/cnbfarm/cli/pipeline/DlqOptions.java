package dev.cnbfarm.cli.pipeline;

import dev.cnbfarm.lifecycle.failure.FailureCode;
import dev.cnbfarm.lifecycle.failure.LifecycleException;
import dev.cnbfarm.runtime.dlq.DeadLetterQueue;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Option;

/** {@code --topic} and {@code --all} of {@code cnbfarm dlq}: which dead-letter topics. Mutable while picocli fills it. */
final class DlqOptions {
  @Option(names = "--topic", paramLabel = "<topic>", description = "one pipeline topic's dead letters (its name, "
      + "with or without .dlq: cnbfarm.build.requested.v1)")
  String topic;
  @Option(names = "--all", description = "every pipeline topic's dead letters")
  boolean all;

  /** The dead-letter topics chosen; {@code required}: one of --topic or --all must be given. */
  List<String> topics(DeadLetterQueue queue, boolean required) {
    if (topic != null && all) {
      throw new LifecycleException(FailureCode.INVALID_ARGS, "--topic and --all exclude each other");
    }
    if (required && topic == null && !all) {
      throw new LifecycleException(FailureCode.INVALID_ARGS, "say which dead letters: --topic <topic> or --all");
    }
    try {
      return queue.topics(Optional.ofNullable(topic));
    } catch (IllegalArgumentException e) {
      throw new LifecycleException(FailureCode.INVALID_ARGS, e.getMessage());
    }
  }
}
