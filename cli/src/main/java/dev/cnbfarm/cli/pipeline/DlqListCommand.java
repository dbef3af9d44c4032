package dev.cnbfarm.cli.pipeline;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cnbfarm.cli.console.HelpFlag;
import dev.cnbfarm.runtime.dlq.DeadLetter;
import dev.cnbfarm.runtime.dlq.DeadLetterQueue;
import dev.cnbfarm.runtime.settings.WorkerSettings;
import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code cnbfarm dlq list}: the records of the dead-letter topics, each with where it came from,
 * its build, why it is there and whether it was re-driven; poison (undecodable) records say that a
 * re-drive sends them back.
 */
@Command(name = "list", customSynopsis = "cnbfarm dlq list [--topic <topic>|--all] [--json] [--bootstrap <host:port>]",
    description = "List the dead-letter records (default: of every pipeline topic): origin topic, partition and "
        + "offset, build id, stage, reason, attempts, time, and whether it was re-driven; --json for machines.")
public final class DlqListCommand implements Callable<Integer> {
  static final String POISON_NOTE = "poison: not an event the pipeline can decode; a re-drive sends it back here";
  private final PrintStream out;
  private final Map<String, String> env;
  @Mixin
  private HelpFlag help;
  @Mixin
  private FarmOptions farm;
  @Mixin
  private DlqOptions which;
  @Option(names = "--json", description = "one JSON array of the records")
  private boolean json;

  public DlqListCommand(Map<String, String> env, PrintStream out) {
    this.out = out;
    this.env = env;
  }

  @Override
  public Integer call() {
    WorkerSettings settings = farm.settings(env);
    List<DeadLetter> letters;
    try (DeadLetterQueue queue = DeadLetterQueue.connect(settings.kafka(), settings.instance() + "-dlq")) {
      letters = queue.list(which.topics(queue, false));
    }
    if (json) {
      out.println(json(letters));
      return 0;
    }
    if (letters.isEmpty()) {
      out.println("no dead-letter records");
      return 0;
    }
    for (DeadLetter l : letters) {
      out.println(l.topic() + " " + l.position() + "  build " + (l.buildId().isEmpty() ? "(no key)" : l.buildId())
          + "  " + (l.redriven() ? "redriven" : "waiting"));
      out.println("  from " + (l.origin().isEmpty() ? "(unknown)" : l.origin()) + " at " + l.timestamp()
          + ", stage " + l.stage() + l.attempts().map(a -> ", " + a + " attempt(s)").orElse(""));
      String why = String.join(" ", List.of(l.category(), l.code()).stream().filter(s -> !s.isEmpty()).toList());
      out.println("  " + (why.isEmpty() ? "" : why + ": ") + l.message());
      if (!l.redrivenFrom().isEmpty()) {
        out.println("  came back after a re-drive of " + l.redrivenFrom());
      }
      if (l.poison()) {
        out.println("  " + POISON_NOTE);
      }
    }
    long waiting = letters.stream().filter(l -> !l.redriven()).count();
    out.println(letters.size() + " record(s), " + waiting + " not re-driven");
    return 0;
  }

  static String json(List<DeadLetter> letters) {
    ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    ArrayNode array = mapper.createArrayNode();
    for (DeadLetter l : letters) {
      ObjectNode n = array.addObject();
      n.put("topic", l.topic()).put("partition", l.partition()).put("offset", l.offset())
          .put("timestamp", l.timestamp().toString()).put("buildId", l.buildId()).put("origin", l.origin())
          .put("originTopic", l.originTopic()).put("stage", l.stage()).put("code", l.code())
          .put("category", l.category()).put("exception", l.exception()).put("message", l.message());
      l.attempts().ifPresentOrElse(a -> n.put("attempts", a), () -> n.putNull("attempts"));
      n.put("poison", l.poison()).put("redriven", l.redriven()).put("redrivenFrom", l.redrivenFrom());
    }
    try {
      return mapper.writeValueAsString(array);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("cannot write the records as JSON: " + e.getMessage(), e);
    }
  }
}
