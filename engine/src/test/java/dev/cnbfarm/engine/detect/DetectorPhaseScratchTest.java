package dev.cnbfarm.engine.detect;

import static dev.cnbfarm.engine.testing.Fixtures.exitCode;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cnbfarm.engine.testing.Fixtures;
import dev.cnbfarm.lifecycle.detect.DetectOutcome;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The detector's scratch dir and os-release as inputs (detect-worker binds the scratch dir into the
 * builder's sandbox and matches targets against the builder's {@code /etc/os-release}, never this
 * machine's).
 */
class DetectorPhaseScratchTest {
  @TempDir Path tmp;

  @Test
  void writesThePlanFilesUnderTheGivenScratchDirAndLeavesItToTheCaller() throws Exception {
    Fixtures fx = Fixtures.in(tmp.resolve("fx")).order("[[order]]\n[[order.group]]\nid = \"bp/a\"\n");
    fx.buildpack("bp/a").passes();
    Path scratch = tmp.resolve("scratch");

    DetectOutcome outcome = fx.detect("0.13", scratch, tmp.resolve("no-os-release"));

    assertThat(exitCode(outcome)).isZero();
    try (var plans = Files.walk(scratch)) {
      assertThat(plans.filter(p -> p.getFileName().toString().equals("plan.toml")))
          .singleElement().satisfies(p -> assertThat(p.toString()).contains("bp_a"));
    }
  }

  @Test
  void matchesATargetWithoutDistroAgainstTheGivenOsRelease() throws Exception {
    Fixtures fx = Fixtures.in(tmp.resolve("fx")).order("[[order]]\n[[order.group]]\nid = \"bp/distro\"\n")
        .analyzed("[run-image]\nreference = \"r\"\n[run-image.target]\nos = \"linux\"\narch = \"amd64\"\n");
    fx.buildpack("bp/distro").passes()
        .descriptor("[[targets]]\nos = \"linux\"\narch = \"amd64\"\n[[targets.distros]]\nname = \"cnbfarmos\"\nversion = \"7\"");
    Path osRelease = Files.writeString(tmp.resolve("os-release"), "NAME=\"cnbfarm OS\"\nID=cnbfarmos\nVERSION_ID=\"7\"\n");

    DetectOutcome outcome = fx.detect("0.13", tmp.resolve("scratch"), osRelease);

    assertThat(exitCode(outcome)).isZero();
  }
}
