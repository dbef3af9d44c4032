package dev.cnbfarm.cli.pipeline;

import dev.cnbfarm.cli.console.HelpFlag;
import dev.cnbfarm.runtime.client.BuildClient;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code cnbfarm follow <id>}: a build's log and progress from its start until it ends; exits as {@code build}. */
@Command(name = "follow", customSynopsis = "cnbfarm follow <build-id> [--bootstrap <host:port>] [--timeout <duration>]",
    description = "Print a build's log and progress from its start until it ends; exits with the failed phase's "
        + "exit code, as cnbfarm build.")
public final class FollowCommand implements Callable<Integer> {
  private final PrintStream out;
  private final Map<String, String> env;
  @Mixin
  private HelpFlag help;
  @Mixin
  private FarmOptions farm;
  @Parameters(index = "0", paramLabel = "<build-id>", description = "the id cnbfarm submit printed")
  private String buildId;
  @Option(names = "--timeout", paramLabel = "<duration>", description = "how long to wait (ISO-8601, default: "
      + "${DEFAULT-VALUE})")
  private Duration timeout = Duration.ofHours(1);

  public FollowCommand(Map<String, String> env, PrintStream out) {
    this.out = out;
    this.env = env;
  }

  @Override
  public Integer call() {
    BuildProgress progress = new BuildProgress(out);
    try (BuildClient client = FarmOptions.client(farm.settings(env))) {
      client.follow(buildId, e -> progress.on(e.event()), timeout);
    }
    progress.finish();
    return progress.exitCode().orElse(1);
  }
}
