package dev.cnbfarm.cli;

import dev.cnbfarm.cli.builder.BuilderCreateCommand;
import dev.cnbfarm.cli.image.FromDirCommand;
import dev.cnbfarm.cli.image.InspectCommand;
import dev.cnbfarm.cli.image.RebaseCommand;
import dev.cnbfarm.cli.lifecycle.BuilderCommand;
import dev.cnbfarm.cli.lifecycle.DetectorCommand;
import dev.cnbfarm.cli.lifecycle.ExporterCommand;
import dev.cnbfarm.cli.lifecycle.ExtenderCommand;
import dev.cnbfarm.cli.run.RunCommand;
import dev.cnbfarm.image.store.RoutingImageStore;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.Map;

/** The {@code cnbfarm} command: dispatches to its subcommands. */
public final class Main {
  private static final String USAGE = """
      usage: cnbfarm <command> [flags]

      commands:
        lifecycle detector [flags]   detect + generate, as the CNB lifecycle's detector (flags as the reference:
                                     -app -buildpacks -extensions -order -group -plan -layers -platform
                                     -generated -analyzed -run -build-config -log-level; CNB_* env vars)
        lifecycle builder [flags]    run each buildpack's /bin/build and write <layers>/config/metadata.toml, as the
                                     CNB lifecycle's builder (flags as the reference: -app -buildpacks -group -plan
                                     -layers -platform -analyzed -build-config -log-level; CNB_* env vars)
        lifecycle extender [flags]   apply extension Dockerfiles (-kind build|run), no daemon, no kaniko; the build
                                     kind then runs the build as -uid/-gid (flags as the reference: -kind -generated
                                     -extended -analyzed -group -plan -layers -app -platform -buildpacks -uid -gid
                                     -log-level -kaniko-cache-ttl; plus -build-image <ref>)
        lifecycle exporter [flags] <image> [<image>...]
                                     write the app image, metadata-only: run image layers mounted, never pulled;
                                     extension, launch, app, launcher and config layers pushed unless present;
                                     extra images are extra tags (flags as the reference: -app -layers -group
                                     -analyzed -run -extended -launcher -report -uid -gid -log-level
                                     -project-metadata; CNB_* env vars); writes report.toml
        builder create --config <builder.toml> --image <ref>
                                     a builder from a build image and local buildpack/extension dirs, in pack's
                                     layout and labels, pushed to a registry or written to oci:<dir>[:tag]
        image from-dir [flags] <dir> <ref>
                                     a one-layer image from a directory (-user -env K=V,... -label k=v,... -workdir),
                                     pushed to a registry or written to oci:<dir>[:tag]
        run <image> [--process <type>] [-- args...]
                                     run an app image in the sandbox over its layers (rootfs cache in
                                     CNBFARM_CACHE_DIR): its Entrypoint, the args or its Cmd, as its user with its
                                     Env and WorkingDir; --process sets CNB_PROCESS_TYPE; exit code passed through
                                     (125: not started); needs root
        rebase <app-image> [--run-image <image>] [--force] [--tag <image>]...
                                     put an app image on a new run image (default: its recorded run image,
                                     re-resolved), metadata-only: swaps the layers up to runImage.topLayer, keeps
                                     extension and buildpack layers; refuses io.buildpacks.rebasable=false, another
                                     os/arch or an unrecorded run image without --force (exit 72); prints the digest
        inspect <image>              an app image's run image, rebasable, buildpacks, extensions and processes, or
                                     a builder's buildpacks, extensions, orders and run images
        version                      print the version
        help                         this text
      """;

  private Main() {}

  public static void main(String[] args) {
    System.exit(run(args, System.getenv(), System.out));
  }

  /** Runs one command line with the given environment and output; returns its exit code. */
  public static int run(String[] args, Map<String, String> env, PrintStream out) {
    if (args.length == 0 || args[0].equals("help") || args[0].equals("--help") || args[0].equals("-h")) {
      out.print(USAGE);
      return args.length == 0 ? 3 : 0;
    }
    String[] rest = Arrays.copyOfRange(args, 1, args.length);
    switch (args[0]) {
      case "version":
        out.println("cnbfarm " + version());
        return 0;
      case "lifecycle":
        return lifecycle(rest, env, out);
      case "builder":
        if (rest.length > 0 && rest[0].equals("create")) {
          return new BuilderCreateCommand(out, RoutingImageStore.withDefaults(), version())
              .run(Arrays.copyOfRange(rest, 1, rest.length));
        }
        out.println("ERROR: usage: cnbfarm builder create --config <builder.toml> --image <image-ref>");
        return 3;
      case "image":
        if (rest.length > 0 && rest[0].equals("from-dir")) {
          return new FromDirCommand(out).run(Arrays.copyOfRange(rest, 1, rest.length));
        }
        out.println("ERROR: usage: cnbfarm image from-dir [flags] <rootfs-dir> <image-ref>");
        return 3;
      case "run":
        return new RunCommand(env, out, System.err, RoutingImageStore::withDefaults).run(rest);
      case "rebase":
        return new RebaseCommand(out, RoutingImageStore.withDefaults()).run(rest);
      case "inspect":
        return new InspectCommand(out, RoutingImageStore.withDefaults()).run(rest);
      default:
        out.println("ERROR: unknown command '" + args[0] + "'");
        out.print(USAGE);
        return 3;
    }
  }

  private static int lifecycle(String[] args, Map<String, String> env, PrintStream out) {
    String phase = args.length == 0 ? "" : args[0];
    String[] rest = args.length == 0 ? args : Arrays.copyOfRange(args, 1, args.length);
    if (phase.equals("detector")) {
      return new DetectorCommand(env, out).run(rest);
    }
    if (phase.equals("builder")) {
      return new BuilderCommand(env, out).run(rest);
    }
    if (phase.equals("extender")) {
      return new ExtenderCommand(env, out).run(rest);
    }
    if (phase.equals("exporter")) {
      return new ExporterCommand(env, out).run(rest);
    }
    out.println("ERROR: unknown lifecycle phase '" + phase + "' (available: detector, builder, extender, exporter)");
    return 3;
  }

  static String version() {
    String v = Main.class.getPackage().getImplementationVersion();
    return v == null ? "dev" : v;
  }
}
