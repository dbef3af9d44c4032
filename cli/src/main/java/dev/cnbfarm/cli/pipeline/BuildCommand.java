package dev.cnbfarm.cli.pipeline;

import dev.cnbfarm.cli.Main;
import dev.cnbfarm.cli.console.ConsoleReporter;
import dev.cnbfarm.cli.console.HelpFlag;
import dev.cnbfarm.image.store.ImageStore;
import dev.cnbfarm.runtime.admin.TopicAdmin;
import dev.cnbfarm.runtime.broker.EmbeddedBroker;
import dev.cnbfarm.runtime.client.BuildClient;
import dev.cnbfarm.runtime.settings.KafkaSettings;
import dev.cnbfarm.runtime.settings.WorkerSettings;
import dev.cnbfarm.schemas.BuildSpec;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code cnbfarm build}: a whole build with all three image-extension phases (the creator
 * workflow with extensions, design.md §7). Without {@code --bootstrap} it starts an embedded KRaft
 * broker and one worker of every role in this JVM, so the records go through a real broker and
 * the one-shot path is the farm path; with it, it submits to a running farm. Either way it follows
 * the build as {@code pack build} prints one and exits with the failed phase's lifecycle exit code.
 */
@Command(name = "build", customSynopsis = BuildCommand.SYNOPSIS,
    description = "Build an app image from source with a builder, image extensions included (one-shot: an "
        + "embedded Kafka broker and every worker in this process; --bootstrap: a running farm); prints the "
        + "build's progress and the image digest; exits with the failed phase's exit code (20 no group, 51 build "
        + "failed, 91/92 generate, 102 extend, 62 export).")
public final class BuildCommand implements Callable<Integer> {
  private final PrintStream out;
  static final String SYNOPSIS = "cnbfarm build --builder <image> --app <dir> --image <image> [--run-image <image>]"
      + " [--env K=V]... [--tag <image>]... [--buildpack <dir|image>]... [--extension <dir|image>]..."
      + " [--bootstrap <host:port>]";

  private final Map<String, String> env;
  private final Supplier<ImageStore> store;
  @Mixin
  private HelpFlag help;
  @Mixin
  private BuildRequestOptions request;
  @Mixin
  private AddedModuleOptions added;
  @Mixin
  private FarmOptions farm;
  @Option(names = "--timeout", paramLabel = "<duration>", description = "how long to wait for the build "
      + "(ISO-8601, default: ${DEFAULT-VALUE})")
  private Duration timeout = Duration.ofHours(1);

  public BuildCommand(Map<String, String> env, PrintStream out, Supplier<ImageStore> store) {
    this.out = out;
    this.env = env;
    this.store = store;
  }

  @Override
  public Integer call() throws IOException {
    // the module dirs are checked before a broker is started, so a bad one fails at once
    added.checkDirs();
    Optional<AddedModuleOptions.Ephemeral> ephemeral = Optional.empty();
    try {
      ImageStore images = store.get();
      if (added.any()) {
        ephemeral = Optional.of(added.create(images, request.builder, request.image, Main.version(),
            new ConsoleReporter(out, "info")));
        request.builder = ephemeral.get().ref().toString();
      }
      return call(images);
    } finally {
      ephemeral.ifPresent(AddedModuleOptions.Ephemeral::close);
    }
  }

  private int call(ImageStore images) throws IOException {
    long start = System.nanoTime();
    // the embedded broker starts while the app source is uploaded (most of its start is class loading)
    CompletableFuture<EmbeddedBroker> broker = farm.bootstrap != null ? null
        : CompletableFuture.supplyAsync(EmbeddedBroker::start);
    Path scratch = Files.createTempDirectory("cnbfarm-build-");
    BuildSpec spec;
    try {
      spec = request.toSpec(images, scratch, new ConsoleReporter(out, "info"));
    } catch (RuntimeException e) {
      if (broker != null) {
        // wait for it and stop it here: an asynchronous close would race the exit and leave its dir
        try {
          broker.join().close();
        } catch (CompletionException startFailed) {
          e.addSuppressed(startFailed);
        }
      }
      throw e;
    } finally {
      Files.deleteIfExists(scratch);
    }
    if (broker == null) {
      return submitAndFollow(farm.settings(env), spec);
    }
    return oneShot(images, spec, started(broker), start);
  }

  private static EmbeddedBroker started(CompletableFuture<EmbeddedBroker> broker) {
    try {
      return broker.join();
    } catch (CompletionException e) {
      throw e.getCause() instanceof RuntimeException r ? r : e;
    }
  }

  private int oneShot(ImageStore images, BuildSpec spec, EmbeddedBroker started, long start) {
    try (EmbeddedBroker broker = started) {
      Map<String, String> local = farm.env(env);
      local.put(KafkaSettings.BOOTSTRAP.env(), broker.bootstrap());
      // one build: one partition is enough, and creating topics is quicker
      local.putIfAbsent(KafkaSettings.TOPIC_PARTITIONS.env(), "1");
      WorkerSettings settings = WorkerSettings.fromEnv(local);
      TopicAdmin.ensureTopics(settings.kafka());
      try (WorkerRoles roles = WorkerRoles.start(settings, local, images, List.of(Role.values()), 1)) {
        out.printf(Locale.ROOT, "Embedded Kafka broker on %s (started in %.1f s); workers: detect, extend-build, "
            + "extend-run, export%n", broker.bootstrap(), (System.nanoTime() - start) / 1e9);
        return follow(settings, spec);
      }
    }
  }

  private int submitAndFollow(WorkerSettings settings, BuildSpec spec) {
    TopicAdmin.ensureTopics(settings.kafka());
    return follow(settings, spec);
  }

  private int follow(WorkerSettings settings, BuildSpec spec) {
    BuildProgress progress = new BuildProgress(out);
    try (BuildClient client = FarmOptions.client(settings)) {
      String id = client.submit(spec);
      client.follow(id, e -> progress.on(e.event()), timeout);
    }
    progress.finish();
    return progress.exitCode().orElse(1);
  }
}
