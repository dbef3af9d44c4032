package dev.cnbfarm.cli.pipeline;

import dev.cnbfarm.cli.console.HelpFlag;
import dev.cnbfarm.runtime.client.BuildClient;
import dev.cnbfarm.runtime.client.UnknownBuildException;
import dev.cnbfarm.runtime.client.BuildStatus;
import java.io.PrintStream;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code cnbfarm status <id>}: where a build stands, from the event log. */
@Command(name = "status", customSynopsis = "cnbfarm status <build-id> [--bootstrap <host:port>]",
    description = "Print where a build stands: the last phase reached, running/succeeded/failed, and the image "
        + "digest or the failure.")
public final class StatusCommand implements Callable<Integer> {
  private final PrintStream out;
  private final Map<String, String> env;
  @Mixin
  private HelpFlag help;
  @Mixin
  private FarmOptions farm;
  @Parameters(index = "0", paramLabel = "<build-id>", description = "the build's id")
  private String buildId;

  public StatusCommand(Map<String, String> env, PrintStream out) {
    this.out = out;
    this.env = env;
  }

  @Override
  public Integer call() {
    try (BuildClient client = FarmOptions.client(farm.settings(env))) {
      BuildStatus s = client.status(buildId).orElseThrow(() -> new UnknownBuildException(buildId));
      out.println("build:   " + s.buildId() + " (attempt " + s.attempt() + ")");
      out.println("status:  " + s.outcome().name().toLowerCase(Locale.ROOT) + " after "
          + s.phase().name().toLowerCase(Locale.ROOT).replace('_', '.') + " at " + s.updatedAt());
      s.image().ifPresent(i -> out.println("image:   " + i));
      s.failure().ifPresent(f -> out.println("failure: " + f.getPhase() + " exit " + f.getExitCode() + " ("
          + f.getCategory().name().toLowerCase(Locale.ROOT) + "): " + f.getMessage()));
      return 0;
    }
  }
}
