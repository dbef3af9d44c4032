package dev.cnbfarm.cli.lifecycle;

import dev.cnbfarm.lifecycle.detect.DetectOutcome;
import dev.cnbfarm.lifecycle.exec.ProcessBinaryRunner;
import dev.cnbfarm.lifecycle.failure.FailureCode;
import dev.cnbfarm.engine.detect.DetectInputs;
import dev.cnbfarm.engine.detect.DetectSettings;
import dev.cnbfarm.engine.detect.DetectorPhase;
import java.io.PrintStream;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine;

/**
 * {@code cnbfarm lifecycle detector}: the reference lifecycle's detector, with its flags, env vars,
 * output files and exit codes; module executables run directly on this machine, as the reference
 * detector runs them inside its container.
 */
public final class DetectorCommand {
  static final Set<String> FLAGS = Set.of("app", "buildpacks", "extensions", "order", "group", "plan", "layers",
      "platform", "generated", "analyzed", "run", "build-config", "system", "log-level");

  private final Map<String, String> env;
  private final PrintStream out;

  public DetectorCommand(Map<String, String> env, PrintStream out) {
    this.env = env;
    this.out = out;
  }

  public int run(String[] args) {
    return PhaseCommandRunner.execute(commandLine(), out, args);
  }

  /** The command, for the {@code cnbfarm} tree or for {@link #run(String[])}. */
  CommandLine commandLine() {
    return PhaseCommandRunner.commandLine("detector", FLAGS, env, out, FailureCode.DETECT_ERROR, (in, reporter) -> {
      DetectSettings settings = new DetectSettings(PhaseCommandRunner.positive(env, "CNBFARM_DETECT_PARALLELISM", 8),
          PhaseCommandRunner.duration(env, "CNBFARM_DETECT_TIMEOUT", "PT10M"));
      DetectInputs inputs = PhaseRecords.detect(in);
      DetectOutcome outcome = new DetectorPhase(new ProcessBinaryRunner(), PhaseRecords.files(in), reporter, settings)
          .run(inputs).outcome();
      if (outcome instanceof DetectOutcome.NotDetected no) {
        reporter.flushHeld();
        reporter.error("No buildpack groups passed detection.");
        reporter.error("Please check that you are running against the correct path.");
        reporter.error(no.code() == FailureCode.DETECT_ERRORED
            ? "failed to detect: buildpack(s) failed with err" : "failed to detect: no buildpacks participating");
        return no.code().exitCode();
      }
      return 0;
    });
  }
}
