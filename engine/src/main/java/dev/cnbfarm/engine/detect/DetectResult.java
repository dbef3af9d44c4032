package dev.cnbfarm.engine.detect;

import dev.cnbfarm.lifecycle.detect.DetectOutcome;
import dev.cnbfarm.lifecycle.generate.GenerateResult;
import dev.cnbfarm.lifecycle.platform.Group;
import dev.cnbfarm.lifecycle.platform.Plan;
import java.util.List;
import java.util.Optional;

/**
 * What the detector phase decided: the outcome (the group, or exit 20/21), the plan the build gets
 * (after generate when extensions ran), and generate's result with every Dockerfile it left (text,
 * args, context) and the run-image choice. Immutable.
 */
public record DetectResult(DetectOutcome outcome, Optional<GenerateResult> generate,
    List<GeneratedDockerfile> dockerfiles) {
  public DetectResult {
    dockerfiles = List.copyOf(dockerfiles);
  }

  static DetectResult notDetected(DetectOutcome.NotDetected outcome) {
    return new DetectResult(outcome, Optional.empty(), List.of());
  }

  /** The group that passed. */
  public Optional<Group> group() {
    return outcome instanceof DetectOutcome.Detected d ? Optional.of(d.group()) : Optional.empty();
  }

  /** plan.toml as written: generate's plan when extensions ran, else detect's. */
  public Optional<Plan> plan() {
    return generate.map(GenerateResult::plan)
        .or(() -> outcome instanceof DetectOutcome.Detected d ? Optional.of(d.plan()) : Optional.empty());
  }
}
