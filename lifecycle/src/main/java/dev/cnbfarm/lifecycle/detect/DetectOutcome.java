package dev.cnbfarm.lifecycle.detect;

import dev.cnbfarm.lifecycle.failure.FailureCode;
import dev.cnbfarm.lifecycle.platform.Group;
import dev.cnbfarm.lifecycle.platform.Plan;
import java.time.Duration;
import java.util.List;

/** What detection decided. Immutable. */
public sealed interface DetectOutcome {
  DetectStats stats();

  /** A group passed: its buildpacks and extensions (in order) and the resolved plan. */
  record Detected(List<GroupElement> buildpacks, List<GroupElement> extensions, Plan plan, DetectStats stats)
      implements DetectOutcome {
    public Detected {
      buildpacks = List.copyOf(buildpacks);
      extensions = List.copyOf(extensions);
    }

    public Group group() {
      return new Group(buildpacks.stream().map(GroupElement::toEntry).toList(),
          extensions.stream().map(GroupElement::toEntry).toList());
    }
  }

  /** No group passed: {@link FailureCode#DETECT_FAILED} (20) or {@link FailureCode#DETECT_ERRORED} (21). */
  record NotDetected(FailureCode code, DetectStats stats) implements DetectOutcome {}

  /** How much work detection did: {@code /bin/detect} runs and their summed duration. Immutable. */
  record DetectStats(int invocations, Duration detectTime, int groupsTried) {}
}
