package dev.cnbfarm.cli.pipeline;

import dev.cnbfarm.cli.console.HelpFlag;
import dev.cnbfarm.lifecycle.failure.FailureCode;
import dev.cnbfarm.lifecycle.failure.LifecycleException;
import dev.cnbfarm.runtime.dlq.DeadLetterQueue;
import dev.cnbfarm.runtime.dlq.Redrive;
import dev.cnbfarm.runtime.dlq.Selection;
import dev.cnbfarm.runtime.settings.WorkerSettings;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code cnbfarm dlq redrive}: sends dead-letter records back to the topic they came from (their
 * original key and value), so the workers handle them again, and marks them re-driven so a second
 * re-drive does not send them twice ({@link DeadLetterQueue} says how).
 */
@Command(name = "redrive", customSynopsis = "cnbfarm dlq redrive --topic <topic>|--all [--build <id>] "
    + "[--offset <offset>...] [--dry-run] [--bootstrap <host:port>]",
    description = "Send dead-letter records back to their origin topic (key and value as they were) and mark them "
        + "re-driven; records re-driven before are skipped. Poison records come back to the DLQ.")
public final class DlqRedriveCommand implements Callable<Integer> {
  private final PrintStream out;
  private final Map<String, String> env;
  @Mixin
  private HelpFlag help;
  @Mixin
  private FarmOptions farm;
  @Mixin
  private DlqOptions which;
  @Option(names = "--build", paramLabel = "<id>", description = "only this build's records")
  private String build;
  @Option(names = "--offset", paramLabel = "<offset>", split = ",", description = "only the records at these "
      + "positions of the DLQ: <offset> or <partition>@<offset>, as dlq list prints them")
  private List<String> offsets = new ArrayList<>();
  @Option(names = "--dry-run", description = "say what would be re-driven; send nothing")
  private boolean dryRun;

  public DlqRedriveCommand(Map<String, String> env, PrintStream out) {
    this.out = out;
    this.env = env;
  }

  @Override
  public Integer call() {
    WorkerSettings settings = farm.settings(env);
    Selection selection;
    try {
      selection = new Selection(Optional.ofNullable(build), offsets);
    } catch (IllegalArgumentException e) {
      throw new LifecycleException(FailureCode.INVALID_ARGS, e.getMessage());
    }
    List<Redrive> done;
    try (DeadLetterQueue queue = DeadLetterQueue.connect(settings.kafka(), settings.instance() + "-dlq")) {
      done = queue.redrive(which.topics(queue, true), selection, dryRun);
    }
    int sent = 0;
    for (Redrive r : done) {
      String what = r.letter().topic() + " " + r.letter().position() + " (build "
          + (r.letter().buildId().isEmpty() ? "(no key)" : r.letter().buildId()) + ")";
      switch (r.action()) {
        case REDRIVEN -> {
          sent++;
          out.println("redriven " + what + " -> " + r.to() + poisonNote(r));
        }
        case WOULD_REDRIVE -> {
          sent++;
          out.println("would redrive " + what + " -> " + r.to() + poisonNote(r));
        }
        case ALREADY_REDRIVEN -> out.println("skipped " + what + ": re-driven before");
        case NO_ORIGIN -> out.println("skipped " + what + ": its headers name no origin topic");
      }
    }
    out.println((dryRun ? "would redrive " : "redriven ") + sent + " of " + done.size() + " selected record(s)");
    return 0;
  }

  private static String poisonNote(Redrive r) {
    return r.letter().poison() ? " (poison: it will come back to the DLQ)" : "";
  }
}
