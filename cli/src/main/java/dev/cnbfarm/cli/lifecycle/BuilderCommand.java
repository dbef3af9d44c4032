package dev.cnbfarm.cli.lifecycle;

import dev.cnbfarm.lifecycle.build.BuildResult;
import dev.cnbfarm.lifecycle.exec.ProcessBinaryRunner;
import dev.cnbfarm.lifecycle.failure.FailureCode;
import dev.cnbfarm.engine.build.BuildInputs;
import dev.cnbfarm.engine.build.BuildSettings;
import dev.cnbfarm.engine.build.BuilderPhase;
import java.io.PrintStream;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine;

/**
 * {@code cnbfarm lifecycle builder}: the reference lifecycle's builder, with its flags, env vars,
 * {@code <layers>/config/metadata.toml} and exit codes (51 when a buildpack's build fails, 52 for
 * other build errors); {@code /bin/build} runs directly on this machine, as the reference builder
 * runs it inside its container.
 */
public final class BuilderCommand {
  static final Set<String> FLAGS = Set.of("app", "buildpacks", "group", "plan", "layers", "platform", "analyzed",
      "build-config", "log-level");

  private final Map<String, String> env;
  private final PrintStream out;

  public BuilderCommand(Map<String, String> env, PrintStream out) {
    this.env = env;
    this.out = out;
  }

  public int run(String[] args) {
    return PhaseCommandRunner.execute(commandLine(), out, args);
  }

  /** The command, for the {@code cnbfarm} tree or for {@link #run(String[])}. */
  CommandLine commandLine() {
    return PhaseCommandRunner.commandLine("builder", FLAGS, env, out, FailureCode.BUILD_ERROR, (in, reporter) -> {
      BuildSettings settings = new BuildSettings(PhaseCommandRunner.duration(env, "CNBFARM_BUILD_TIMEOUT", "PT30M"));
      BuildInputs inputs = PhaseRecords.build(in);
      BuildResult result = new BuilderPhase(new ProcessBinaryRunner(), PhaseRecords.files(in), reporter, settings)
          .run(inputs);
      reporter.info("Built " + result.outputs().size() + " buildpack(s); processes: " + result.metadata().processes()
          .stream().map(p -> p.type() + (p.isDefault() ? " (default)" : "")).toList());
      return 0;
    });
  }
}
