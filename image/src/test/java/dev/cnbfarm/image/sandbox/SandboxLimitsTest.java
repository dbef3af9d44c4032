package dev.cnbfarm.image.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** The CNBFARM_SANDBOX_* settings and the seccomp program's shape. */
class SandboxLimitsTest {
  @Test
  void defaultsAreFourThousandNinetySixProcessesAndNoMemoryOrCpuBound() {
    assertThat(SandboxLimits.fromEnv(Map.of())).isEqualTo(SandboxLimits.DEFAULT);
    assertThat(SandboxLimits.DEFAULT.pids()).isEqualTo(4096);
    assertThat(SandboxLimits.DEFAULT.diskBytes()).hasValue(10L << 30);
  }

  @Test
  void diskBudgetTakesASizeAndZeroMeansUnbounded() {
    assertThat(SandboxLimits.fromEnv(Map.of("CNBFARM_SANDBOX_DISK", "20m")).diskBytes())
        .hasValue(20L << 20);
    assertThat(SandboxLimits.fromEnv(Map.of("CNBFARM_SANDBOX_DISK", "3G")).diskBytes())
        .hasValue(3L << 30);
    assertThat(SandboxLimits.fromEnv(Map.of("CNBFARM_SANDBOX_DISK", "0")).diskBytes()).isEmpty();
    assertThat(SandboxLimits.fromEnv(Map.of("CNBFARM_SANDBOX_DISK", " ")).diskBytes())
        .hasValue(10L << 30);
    for (String bad : new String[] {"100k", "-5m", "ten", "1t"}) {
      assertThatThrownBy(() -> SandboxLimits.fromEnv(Map.of("CNBFARM_SANDBOX_DISK", bad)))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("CNBFARM_SANDBOX_DISK=" + bad)
          .hasMessageContaining("0 for no bound");
    }
  }

  @Test
  void readsSizesWithSuffixesAndFractionalCpus() {
    SandboxLimits limits =
        SandboxLimits.fromEnv(
            Map.of(
                "CNBFARM_SANDBOX_PIDS", "512",
                "CNBFARM_SANDBOX_MEMORY", "4g",
                "CNBFARM_SANDBOX_CPUS", "1.5"));

    assertThat(limits)
        .isEqualTo(
            new SandboxLimits(
                512, OptionalLong.of(4L << 30), OptionalDouble.of(1.5), OptionalLong.of(10L << 30)));
  }

  @Test
  void listsEveryBadSettingAtOnce() {
    assertThatThrownBy(
            () ->
                SandboxLimits.fromEnv(
                    Map.of(
                        "CNBFARM_SANDBOX_PIDS", "0",
                        "CNBFARM_SANDBOX_MEMORY", "lots",
                        "CNBFARM_SANDBOX_CPUS", "-1")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("CNBFARM_SANDBOX_PIDS=0")
        .hasMessageContaining("CNBFARM_SANDBOX_MEMORY=lots")
        .hasMessageContaining("CNBFARM_SANDBOX_CPUS=-1");
  }

  @Test
  void seccompProgramsAreWholeInstructionsWithinTheKernelsLength() {
    for (SeccompFilter.Arch arch : new SeccompFilter.Arch[] {SeccompFilter.X86_64, SeccompFilter.AARCH64}) {
      byte[] program = SeccompFilter.program(arch);
      assertThat(program.length % 8).isZero();
      assertThat(program.length / 8).isBetween(arch.denied().size() + 8, 4096);
    }
  }
}
