package dev.cnbfarm.cli.pipeline;

import dev.cnbfarm.cli.console.HelpFlag;
import dev.cnbfarm.runtime.client.BuildClient;
import java.io.PrintStream;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code cnbfarm replay <id>}: re-submits a past build's request as a new build; prints the new id. */
@Command(name = "replay", customSynopsis = "cnbfarm replay <build-id> [--bootstrap <host:port>]",
    description = "Submit a past build's request again (same builder, source digest, target, env) as a new build; "
        + "prints the new build's id.")
public final class ReplayCommand implements Callable<Integer> {
  private final PrintStream out;
  private final Map<String, String> env;
  @Mixin
  private HelpFlag help;
  @Mixin
  private FarmOptions farm;
  @Parameters(index = "0", paramLabel = "<build-id>", description = "the build to replay")
  private String buildId;

  public ReplayCommand(Map<String, String> env, PrintStream out) {
    this.out = out;
    this.env = env;
  }

  @Override
  public Integer call() {
    try (BuildClient client = FarmOptions.client(farm.settings(env))) {
      out.println(client.replay(buildId));
    }
    return 0;
  }
}
