package dev.cnbfarm.cli.pipeline;

import dev.cnbfarm.cli.console.HelpFlag;
import dev.cnbfarm.lifecycle.failure.FailureCode;
import dev.cnbfarm.lifecycle.failure.LifecycleException;
import dev.cnbfarm.lifecycle.phase.GoDuration;
import dev.cnbfarm.runtime.client.BuildClient;
import dev.cnbfarm.runtime.client.UnknownBuildException;
import dev.cnbfarm.runtime.client.BuildEvent;
import dev.cnbfarm.runtime.client.BuildHistory;
import dev.cnbfarm.runtime.client.HistoryJson;
import dev.cnbfarm.schemas.AppliedDockerfile;
import dev.cnbfarm.schemas.BuildDetected;
import dev.cnbfarm.schemas.BuildExported;
import dev.cnbfarm.schemas.BuildFailed;
import dev.cnbfarm.schemas.BuildRequested;
import dev.cnbfarm.schemas.BuildBuilt;
import dev.cnbfarm.schemas.RunImageReady;
import java.io.PrintStream;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code cnbfarm history}: the audit trail (design.md §1): every event of every build, with its
 * time, who asked, the group, each applied Dockerfile and the output digest.
 */
@Command(name = "history", customSynopsis = "cnbfarm history [<build-id>] [--since <duration>] [--json] "
    + "[--bootstrap <host:port>]",
    description = "Print the audit trail of every build (or one): each event with its time, who asked, the group, "
        + "each applied Dockerfile and the image digest; --json for machines.")
public final class HistoryCommand implements Callable<Integer> {
  private final PrintStream out;
  private final Map<String, String> env;
  @Mixin
  private HelpFlag help;
  @Mixin
  private FarmOptions farm;
  @Parameters(index = "0", arity = "0..1", paramLabel = "<build-id>", description = "one build (default: all)")
  private String buildId;
  @Option(names = "--since", paramLabel = "<duration>", description = "only events of the last <duration> (Go "
      + "style: 90m, 24h)")
  private String since;
  @Option(names = "--json", description = "one JSON document: every build with its events")
  private boolean json;

  public HistoryCommand(Map<String, String> env, PrintStream out) {
    this.out = out;
    this.env = env;
  }

  @Override
  public Integer call() {
    Optional<Instant> from = Optional.ofNullable(since).map(HistoryCommand::ago);
    List<BuildHistory> histories;
    try (BuildClient client = FarmOptions.client(farm.settings(env))) {
      histories = client.history(Optional.ofNullable(buildId), from);
    }
    if (buildId != null && histories.isEmpty()) {
      throw new UnknownBuildException(buildId);
    }
    if (json) {
      out.println(HistoryJson.write(histories));
      return 0;
    }
    histories.forEach(this::print);
    return 0;
  }

  private static Instant ago(String text) {
    try {
      return Instant.now().minus(GoDuration.parse(text));
    } catch (IllegalArgumentException e) {
      throw new LifecycleException(FailureCode.INVALID_ARGS, "--since '" + text + "': " + e.getMessage());
    }
  }

  private void print(BuildHistory h) {
    out.println("build " + h.buildId() + h.status().map(s -> " [" + s.outcome().name().toLowerCase(Locale.ROOT) + "]")
        .orElse(""));
    for (BuildEvent e : h.events()) {
      out.println("  " + e.timestamp() + "  " + line(e.event()));
      if (e.event() instanceof BuildDetected d) {
        for (AppliedDockerfile df : d.getDockerfiles()) {
          out.println("      " + df.getKind().name().toLowerCase(Locale.ROOT) + ".Dockerfile of " + df.getExtensionId()
              + (df.getArgs().isEmpty() ? "" : " args " + df.getArgs()) + ":");
          df.getText().lines().forEach(l -> out.println("        | " + l));
        }
      }
    }
  }

  private static String line(Object event) {
    if (event instanceof BuildRequested r) {
      return "requested (attempt " + r.getAttempt() + ") by " + r.getSpec().getRequestedBy() + ": "
          + r.getSpec().getBuilderImage() + " -> " + r.getSpec().getTargetImage()
          + (r.getSpec().getReplayOf() == null ? "" : ", replay of " + r.getSpec().getReplayOf());
    }
    if (event instanceof BuildDetected d) {
      return "detected by " + d.getProducer() + ": group " + d.getGroup().stream()
          .map(g -> g.getId() + "@" + g.getVersion() + (g.getExtension() ? " (extension)" : "")).toList()
          + "; run image " + d.getRunImage().getReference() + (d.getRunImage().getExtended() ? " (extended)" : "");
    }
    if (event instanceof BuildBuilt b) {
      return "built by " + b.getProducer() + ": " + b.getLayers().size() + " layers in " + b.getRepository();
    }
    if (event instanceof RunImageReady r) {
      return "run image ready by " + r.getProducer() + ": " + r.getRunImage()
          + (r.getExtended() ? " + " + r.getExtensionLayers().size() + " extension layer(s)" : "");
    }
    if (event instanceof BuildExported x) {
      return "exported by " + x.getProducer() + ": " + x.getImage();
    }
    if (event instanceof BuildFailed f) {
      return "failed in " + f.getPhase() + " (exit " + f.getExitCode() + ", " + f.getCategory().name()
          .toLowerCase(Locale.ROOT) + "): " + f.getMessage();
    }
    return String.valueOf(event);
  }
}
