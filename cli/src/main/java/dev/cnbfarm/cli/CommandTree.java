package dev.cnbfarm.cli;

import dev.cnbfarm.cli.builder.BuilderCreateCommand;
import dev.cnbfarm.cli.cache.CachePruneCommand;
import dev.cnbfarm.cli.console.Failures;
import dev.cnbfarm.cli.image.FromDirCommand;
import dev.cnbfarm.cli.image.InspectCommand;
import dev.cnbfarm.cli.image.RebaseCommand;
import dev.cnbfarm.cli.lifecycle.LifecycleCommands;
import dev.cnbfarm.cli.pipeline.BuildCommand;
import dev.cnbfarm.cli.pipeline.DlqListCommand;
import dev.cnbfarm.cli.pipeline.DlqRedriveCommand;
import dev.cnbfarm.cli.pipeline.FollowCommand;
import dev.cnbfarm.cli.pipeline.HistoryCommand;
import dev.cnbfarm.cli.pipeline.ReplayCommand;
import dev.cnbfarm.cli.pipeline.StatusCommand;
import dev.cnbfarm.cli.pipeline.SubmitCommand;
import dev.cnbfarm.cli.pipeline.WorkerCommand;
import dev.cnbfarm.cli.run.RunCommand;
import dev.cnbfarm.image.store.RoutingImageStore;
import java.io.PrintStream;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Spec;
import picocli.CommandLine;

/**
 * Every {@code cnbfarm} command as one picocli tree, wired to its dependencies: the image store is
 * made only when a command needs it. Help, usage errors and failures of every command go through
 * {@link Failures}.
 */
final class CommandTree {
  private CommandTree() {}

  static CommandLine of(Map<String, String> env, PrintStream out, PrintStream err) {
    CommandLine root = new CommandLine(new Root(out));
    root.addSubcommand(new HelpCommand(out));
    root.addSubcommand(new VersionCommand(out));
    root.addSubcommand(new CommandLine(new BuildCommand(env, out, RoutingImageStore::withDefaults)));
    root.addSubcommand(new CommandLine(new SubmitCommand(env, out, err, RoutingImageStore::withDefaults)));
    root.addSubcommand(new CommandLine(new FollowCommand(env, out)));
    root.addSubcommand(new CommandLine(new StatusCommand(env, out)));
    root.addSubcommand(new CommandLine(new HistoryCommand(env, out)));
    root.addSubcommand(new CommandLine(new ReplayCommand(env, out)));
    root.addSubcommand(CommandGroups.of("dlq", "The dead-letter topics: list their records, send them back.",
        new CommandLine(new DlqListCommand(env, out)), new CommandLine(new DlqRedriveCommand(env, out))));
    root.addSubcommand(CommandGroups.of("worker", "The pipeline's workers (one process each; scale by running more).",
        WorkerCommand.commands(env, out, RoutingImageStore::withDefaults).toArray(CommandLine[]::new)));
    root.addSubcommand(LifecycleCommands.group(env, out));
    root.addSubcommand(CommandGroups.of("builder", "Builder images.",
        new CommandLine(new BuilderCreateCommand(out, RoutingImageStore::withDefaults, Main.version()))));
    root.addSubcommand(CommandGroups.of("image", "Images from local files.", new CommandLine(new FromDirCommand(out))));
    root.addSubcommand(new RunCommand(env, out, err, RoutingImageStore::withDefaults));
    root.addSubcommand(new RebaseCommand(out, RoutingImageStore::withDefaults));
    root.addSubcommand(new InspectCommand(out, RoutingImageStore::withDefaults));
    root.addSubcommand(CommandGroups.of("cache", "The local cache dir (CNBFARM_CACHE_DIR).",
        new CommandLine(new CachePruneCommand(env, out, err))));
    root.addSubcommand(new CompletionCommand(out));
    CommandGroups.listCommands(root);
    return Failures.install(root, out);
  }

  /** {@code cnbfarm} alone: its usage, exit 3. */
  @Command(name = "cnbfarm", mixinStandardHelpOptions = true, versionProvider = VersionCommand.class,
      customSynopsis = "cnbfarm <command> [flags]", commandListHeading = "%nCommands:%n",
      description = "Cloud Native Buildpacks lifecycle phases and image extensions, without Docker.")
  static final class Root implements Callable<Integer> {
    private final PrintStream out;
    @Spec
    private CommandLine.Model.CommandSpec spec;

    Root(PrintStream out) {
      this.out = out;
    }

    @Override
    public Integer call() {
      spec.commandLine().usage(out);
      return 3;
    }
  }

  /** {@code cnbfarm version} (and {@code cnbfarm --version}). */
  @Command(name = "version", customSynopsis = "cnbfarm version", description = "Print the version.",
      mixinStandardHelpOptions = false)
  static final class VersionCommand implements Callable<Integer>, CommandLine.IVersionProvider {
    private final PrintStream out;
    @CommandLine.Mixin
    private dev.cnbfarm.cli.console.HelpFlag help;

    VersionCommand() {
      this(System.out);
    }

    VersionCommand(PrintStream out) {
      this.out = out;
    }

    @Override
    public Integer call() {
      out.println(getVersion()[0]);
      return 0;
    }

    @Override
    public String[] getVersion() {
      return new String[] {"cnbfarm " + Main.version()};
    }
  }
}
