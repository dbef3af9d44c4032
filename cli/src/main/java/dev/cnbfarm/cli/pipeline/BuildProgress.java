package dev.cnbfarm.cli.pipeline;

import dev.cnbfarm.schemas.AppliedDockerfile;
import dev.cnbfarm.schemas.BuildBuilt;
import dev.cnbfarm.schemas.BuildDetected;
import dev.cnbfarm.schemas.BuildExported;
import dev.cnbfarm.schemas.BuildFailed;
import dev.cnbfarm.schemas.BuildLog;
import dev.cnbfarm.schemas.BuildRequested;
import dev.cnbfarm.schemas.GroupModule;
import dev.cnbfarm.schemas.RunImageReady;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.avro.specific.SpecificRecord;

/**
 * Prints one build's events the way {@code pack build} prints a build: a {@code ===> DETECTING}
 * header when a phase starts, its log lines prefixed by the phase ({@code [detector]}, {@code
 * [extender (build)]}...), what it decided, and at the end the time of each phase (from the events'
 * timestamps, so it is the farm's time, not the client's) and the image digest, or the failure.
 * Build-image and run-image extension run at the same time, so their lines interleave. Not
 * thread-safe: one follower feeds it.
 */
final class BuildProgress {
  private static final Map<String, String> HEADERS = Map.of("detect", "DETECTING", "extend-build",
      "EXTENDING (BUILD) AND BUILDING", "extend-run", "EXTENDING (RUN)", "export", "EXPORTING");
  private static final Map<String, String> PREFIXES = Map.of("detect", "[detector]", "extend-build",
      "[extender (build)]", "extend-run", "[extender (run)]", "export", "[exporter]");

  private final PrintStream out;
  private final Set<String> started = new HashSet<>();
  private final Map<String, Instant> ended = new LinkedHashMap<>();
  private Instant requestedAt;
  private Instant detectedAt;
  private int attempt = 1;
  private SpecificRecord terminal;

  BuildProgress(PrintStream out) {
    this.out = out;
  }

  /** Prints what {@code event} says; returns true once the build has ended (exported or failed). */
  boolean on(SpecificRecord event) {
    if (event instanceof BuildRequested r) {
      requested(r);
    } else if (event instanceof BuildLog l) {
      if (l.getAttempt() == attempt) {
        start(l.getPhase());
        out.println(PREFIXES.getOrDefault(l.getPhase(), "[" + l.getPhase() + "]") + " " + l.getLine());
      }
    } else if (event instanceof BuildDetected d) {
      detected(d);
    } else if (event instanceof BuildBuilt b) {
      start("extend-build");
      ended.put("extend-build", b.getOccurredAt());
      out.println("[extender (build)] Built " + b.getLayers().size() + " layers, " + b.getProcesses().size()
          + " process type(s)" + (b.getBuildImageExtended() ? "; build image extended by " + b.getExtensionLayers()
              + " layer(s), " + b.getRunsExecuted() + " RUN step(s) executed" : ""));
    } else if (event instanceof RunImageReady r) {
      start("extend-run");
      ended.put("extend-run", r.getOccurredAt());
      out.println("[extender (run)] Run image " + r.getRunImage() + (r.getExtended() ? " extended by "
          + r.getExtensionLayers().size() + " layer(s), " + r.getRunsExecuted() + " RUN step(s) executed"
          : " passed through"));
    } else if (event instanceof BuildExported e) {
      start("export");
      ended.put("export", e.getOccurredAt());
      terminal = e;
    } else if (event instanceof BuildFailed f && f.getAttempt() == attempt) {
      terminal = f;
    }
    return terminal != null;
  }

  /**
   * Prints the end: timings and the digest, or the failure. Called once the follower has read the
   * build's whole log, so the last phase's own lines come before it.
   */
  void finish() {
    if (terminal instanceof BuildExported e) {
      summary(e.getOccurredAt());
      e.getTags().forEach(t -> out.println("Successfully built image " + t));
      out.println("*** Digest: " + e.getImageDigest());
    } else if (terminal instanceof BuildFailed f) {
      summary(f.getOccurredAt());
      out.println("ERROR: failed to build: " + f.getPhase() + " failed with exit code " + f.getExitCode() + ": "
          + f.getMessage());
    }
  }

  /** The exit code of an ended build: 0 when exported, else the failed phase's lifecycle exit code. */
  Optional<Integer> exitCode() {
    if (terminal instanceof BuildFailed f) {
      return Optional.of(f.getExitCode() == 0 ? 1 : f.getExitCode());
    }
    return terminal == null ? Optional.empty() : Optional.of(0);
  }

  Optional<SpecificRecord> terminal() {
    return Optional.ofNullable(terminal);
  }

  private void requested(BuildRequested r) {
    requestedAt = r.getOccurredAt();
    attempt = r.getAttempt();
    out.println("Build " + r.getBuildId() + ": " + r.getSpec().getBuilderImage() + " -> " + r.getSpec().getTargetImage()
        + (r.getSpec().getReplayOf() != null ? " (replay of " + r.getSpec().getReplayOf() + ")" : ""));
  }

  private void detected(BuildDetected d) {
    start("detect");
    detectedAt = d.getOccurredAt();
    ended.put("detect", detectedAt);
    List<String> buildpacks = d.getGroup().stream().filter(g -> !g.getExtension()).map(BuildProgress::name).toList();
    List<String> extensions = d.getGroup().stream().filter(GroupModule::getExtension).map(BuildProgress::name).toList();
    out.println("[detector] Group: " + String.join(", ", buildpacks)
        + (extensions.isEmpty() ? "" : "; extensions: " + String.join(", ", extensions)));
    for (AppliedDockerfile df : d.getDockerfiles()) {
      out.println("[detector] " + df.getKind().name().toLowerCase(Locale.ROOT) + ".Dockerfile of " + df.getExtensionId()
          + " (" + df.getText().lines().count() + " lines)");
    }
    var run = d.getRunImage();
    out.println("[detector] Run image: " + run.getName() + (run.getSwitched() ? " (switched by an extension)" : "")
        + (run.getExtended() ? " (to be extended)" : "") + " = " + run.getReference());
  }

  private void start(String phase) {
    if (started.add(phase)) {
      out.println("===> " + HEADERS.getOrDefault(phase, phase.toUpperCase(Locale.ROOT)));
    }
  }

  private void summary(Instant end) {
    if (requestedAt == null) {
      return;
    }
    StringBuilder line = new StringBuilder("Timings:");
    Instant detect = ended.get("detect");
    if (detect != null) {
      line.append(" detect ").append(seconds(requestedAt, detect));
    }
    for (String phase : List.of("extend-build", "extend-run")) {
      Instant at = ended.get(phase);
      if (at != null && detectedAt != null) {
        line.append(", ").append(phase).append(' ').append(seconds(detectedAt, at));
      }
    }
    Instant export = ended.get("export");
    if (export != null) {
      Instant both = later(ended.get("extend-build"), ended.get("extend-run"));
      if (both != null) {
        line.append(", export ").append(seconds(both, export));
      }
    }
    line.append("; total ").append(seconds(requestedAt, end));
    out.println(line);
  }

  private static Instant later(Instant a, Instant b) {
    if (a == null) {
      return b;
    }
    return b == null || a.isAfter(b) ? a : b;
  }

  private static String seconds(Instant from, Instant to) {
    Duration d = Duration.between(from, to);
    return String.format(Locale.ROOT, "%.1f s", d.toMillis() / 1000.0);
  }

  private static String name(GroupModule m) {
    return m.getId() + "@" + m.getVersion();
  }
}
