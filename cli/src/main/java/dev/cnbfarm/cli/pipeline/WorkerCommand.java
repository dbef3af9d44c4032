package dev.cnbfarm.cli.pipeline;

import dev.cnbfarm.cli.console.HelpFlag;
import dev.cnbfarm.cli.console.LogFormat;
import dev.cnbfarm.extend.ExtendWorker;
import dev.cnbfarm.image.store.ImageStore;
import dev.cnbfarm.lifecycle.failure.FailureCode;
import dev.cnbfarm.lifecycle.failure.LifecycleException;
import dev.cnbfarm.runtime.admin.TopicAdmin;
import dev.cnbfarm.runtime.settings.WorkerSettings;
import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code cnbfarm worker detect|extend|export}: one worker process of a farm, until SIGTERM (then
 * the running handler gets {@code CNBFARM_SHUTDOWN_GRACE} to finish, else its record is left
 * uncommitted for another replica).
 */
public final class WorkerCommand implements Callable<Integer> {
  private final PrintStream out;
  static final String SYNOPSIS_TAIL = " [--bootstrap <host:port>] [--instance <id>] [--replicas <n>] "
      + "[--metrics-port <port>]";
  private final Map<String, String> env;
  private final Supplier<ImageStore> store;
  private final Role fixed;
  @Mixin
  private HelpFlag help;
  @Mixin
  private FarmOptions farm;
  @Option(names = "--role", paramLabel = "<build|run>", description = "extend only: extend the build image and "
      + "build (build), or extend the run image (run)")
  private String role;
  @Option(names = "--instance", paramLabel = "<id>", description = "this worker's name (default: CNBFARM_INSTANCE, "
      + "else <hostname>-<pid>)")
  private String instance;
  @Option(names = "--replicas", paramLabel = "<n>", description = "loops of the role in this process (default: 1)")
  private int replicas = 1;
  @Option(names = "--metrics-port", paramLabel = "<port>", description = "/metrics, /healthz, /readyz on "
      + "CNBFARM_METRICS_ADDRESS, default 127.0.0.1 (default: CNBFARM_METRICS_PORT; 0 any free port)")
  private Integer metricsPort;

  private WorkerCommand(Map<String, String> env, PrintStream out, Supplier<ImageStore> store, Role fixed) {
    this.out = out;
    this.env = env;
    this.store = store;
    this.fixed = fixed;
  }

  /** {@code cnbfarm worker detect}, {@code extend} and {@code export}, for the command tree. */
  public static List<picocli.CommandLine> commands(Map<String, String> env, PrintStream out, Supplier<ImageStore> store) {
    return List.of(
        line(new WorkerCommand(env, out, store, Role.DETECT), "detect", "cnbfarm worker detect"
            + SYNOPSIS_TAIL, "Run the detect worker: build requested -> detected (analyze, detect and generate in the "
            + "builder image's sandbox)."),
        line(new WorkerCommand(env, out, store, null), "extend", "cnbfarm worker extend --role build|run"
            + SYNOPSIS_TAIL, "Run an extend worker: detected -> built (--role build: extend the build image as root, "
            + "build as the CNB user, publish the layers) or -> run.ready (--role run: extend the run image)."),
        line(new WorkerCommand(env, out, store, Role.EXPORT), "export", "cnbfarm worker export"
            + SYNOPSIS_TAIL, "Run the export worker: built + run.ready -> exported (a join whose state is in Kafka; "
            + "metadata-only assembly and push)."));
  }

  private static picocli.CommandLine line(WorkerCommand command, String name, String synopsis, String description) {
    picocli.CommandLine line = new picocli.CommandLine(command).setCommandName(name);
    line.getCommandSpec().usageMessage().customSynopsis(synopsis).description(description);
    if (command.fixed != null) {
      line.getCommandSpec().remove(line.getCommandSpec().findOption("--role"));
    }
    return line;
  }

  @Override
  public Integer call() throws InterruptedException {
    // a worker's log is its output: one start and end line per build and phase (style.md §7)
    LogFormat.info("dev.cnbfarm");
    Role chosen = fixed != null ? fixed : extendRole();
    if (replicas < 1 || replicas > 64) {
      throw new LifecycleException(FailureCode.INVALID_ARGS, "--replicas must be 1..64, got " + replicas);
    }
    Map<String, String> local = farm.env(env);
    if (instance != null) {
      local.put(WorkerSettings.INSTANCE.env(), instance);
    }
    if (metricsPort != null) {
      local.put(WorkerSettings.METRICS_PORT.env(), Integer.toString(metricsPort));
    }
    WorkerSettings settings = WorkerSettings.fromEnv(local);
    TopicAdmin.ensureTopics(settings.kafka());
    CountDownLatch stopped = new CountDownLatch(1);
    WorkerRoles roles = WorkerRoles.start(settings, local, store.get(), List.of(chosen), replicas);
    Thread hook = new Thread(() -> {
      roles.close();
      stopped.countDown();
    }, "cnbfarm-worker-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    out.println("cnbfarm worker " + chosen.phase() + " " + settings.instance() + " on " + settings.kafka().bootstrap()
        + " (group " + settings.kafka().groupId(chosen.phase()) + ", " + replicas + " loop(s))"
        + roles.metricsPort().map(p -> "; metrics on http://" + settings.metricsAddress().getHostAddress() + ":" + p
            + "/metrics").orElse(""));
    roles.awaitAnyStop();
    if (stopped.getCount() == 0) {
      return 0;
    }
    // a loop stopped on its own: a fatal error, already logged; stop the rest and fail
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException shuttingDown) {
      stopped.await();
      return 0;
    }
    roles.close();
    out.println("cnbfarm worker " + chosen.phase() + ": a loop stopped; exiting");
    return 1;
  }

  private Role extendRole() {
    if (role == null) {
      throw new LifecycleException(FailureCode.INVALID_ARGS, "--role is required: build or run");
    }
    return ExtendWorker.Role.parse(role) == ExtendWorker.Role.BUILD ? Role.EXTEND_BUILD : Role.EXTEND_RUN;
  }

}
