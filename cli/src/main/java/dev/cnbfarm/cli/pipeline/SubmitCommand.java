package dev.cnbfarm.cli.pipeline;

import dev.cnbfarm.cli.console.ConsoleReporter;
import dev.cnbfarm.cli.console.HelpFlag;
import dev.cnbfarm.image.store.ImageStore;
import dev.cnbfarm.runtime.admin.TopicAdmin;
import dev.cnbfarm.runtime.client.BuildClient;
import dev.cnbfarm.runtime.settings.WorkerSettings;
import dev.cnbfarm.schemas.BuildSpec;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code cnbfarm submit}: uploads the app source and submits a build to a running farm; prints only its id. */
@Command(name = "submit", customSynopsis = SubmitCommand.SYNOPSIS,
    description = "Submit a build to a running farm (asynchronous); prints only the build id (follow it with "
        + "cnbfarm follow).")
public final class SubmitCommand implements Callable<Integer> {
  private final PrintStream out;
  static final String SYNOPSIS = "cnbfarm submit --bootstrap <host:port> --builder <image> --app <dir> --image <image>"
      + " [--run-image <image>] [--env K=V]... [--tag <image>]...";

  private final Map<String, String> env;
  private final PrintStream err;
  private final Supplier<ImageStore> store;
  @Mixin
  private HelpFlag help;
  @Mixin
  private BuildRequestOptions request;
  @Mixin
  private FarmOptions farm;

  public SubmitCommand(Map<String, String> env, PrintStream out, PrintStream err, Supplier<ImageStore> store) {
    this.out = out;
    this.env = env;
    this.err = err;
    this.store = store;
  }

  @Override
  public Integer call() throws IOException {
    if (farm.bootstrap == null) {
      throw new dev.cnbfarm.lifecycle.failure.LifecycleException(dev.cnbfarm.lifecycle.failure.FailureCode.INVALID_ARGS,
          "--bootstrap is required: submit sends the build to a running farm (cnbfarm build runs one here)");
    }
    WorkerSettings settings = farm.settings(env);
    Path scratch = Files.createTempDirectory("cnbfarm-submit-");
    try {
      // the upload's progress goes to stderr: stdout is the build id alone, for scripts
      BuildSpec spec = request.toSpec(store.get(), scratch, new ConsoleReporter(err, "info"));
      TopicAdmin.ensureTopics(settings.kafka());
      try (BuildClient client = FarmOptions.client(settings)) {
        out.println(client.submit(spec));
      }
      return 0;
    } finally {
      Files.deleteIfExists(scratch);
    }
  }
}
