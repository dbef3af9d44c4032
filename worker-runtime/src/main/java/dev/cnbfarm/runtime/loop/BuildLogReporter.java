package dev.cnbfarm.runtime.loop;

import dev.cnbfarm.lifecycle.report.Reporter;
import dev.cnbfarm.runtime.EventIds;
import dev.cnbfarm.runtime.codec.EventCodec;
import dev.cnbfarm.runtime.failure.FailureEvents.Envelope;
import dev.cnbfarm.schemas.BuildLog;
import dev.cnbfarm.schemas.LogStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.Deque;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A handler's build log for one record: each info line (STDOUT) and warn line (STDERR) is sent,
 * without waiting, as a {@code BuildLog} to the logs topic, numbered from 0 per build, phase and
 * attempt, with an id derived from those; debug lines only reach the worker's own log. It keeps the
 * last lines for a failure's log excerpt. Line length and count are bounded (design.md §9).
 * Thread-safe.
 */
final class BuildLogReporter implements Reporter {
  static final int EXCERPT_LINES = 40;
  static final int EXCERPT_BYTES = 8 * 1024;
  static final int MAX_LINE = 8 * 1024;
  static final int MAX_LINES = 10_000;
  private static final Logger log = LoggerFactory.getLogger(BuildLogReporter.class);

  private final Producer<byte[], byte[]> producer;
  private final EventCodec codec;
  private final String topic;
  private final Envelope input;
  private final String phase;
  private final String instance;
  private final Clock clock;
  private final Deque<String> last = new ArrayDeque<>();
  private long sequence;
  private boolean sendFailed;

  BuildLogReporter(Producer<byte[], byte[]> producer, EventCodec codec, String topic, Envelope input, String phase,
      String instance, Clock clock) {
    this.producer = producer;
    this.codec = codec;
    this.topic = topic;
    this.input = input;
    this.phase = phase;
    this.instance = instance;
    this.clock = clock;
  }

  @Override
  public void debug(String line) {
    log.debug("{}", line);
  }

  @Override
  public void info(String line) {
    send(LogStream.STDOUT, line);
  }

  @Override
  public void warn(String line) {
    send(LogStream.STDERR, line);
  }

  /** The last lines sent, at most {@value #EXCERPT_LINES} and {@value #EXCERPT_BYTES} bytes, oldest first. */
  synchronized String excerpt() {
    return String.join("\n", last);
  }

  private synchronized void send(LogStream stream, String text) {
    if (sequence > MAX_LINES) {
      return;
    }
    String line = sequence == MAX_LINES ? "(log truncated after " + MAX_LINES + " lines)" : bounded(text);
    remember(line);
    BuildLog event = BuildLog.newBuilder()
        .setEventId(EventIds.of(input.buildId(), "log-" + phase + "-" + sequence, input.attempt()))
        .setBuildId(input.buildId())
        .setAttempt(input.attempt())
        .setOccurredAt(clock.instant())
        .setProducer(instance)
        .setPhase(phase)
        .setStream(stream)
        .setLine(line)
        .setSequence(sequence)
        .build();
    sequence++;
    try {
      producer.send(new ProducerRecord<>(topic, input.buildId().getBytes(StandardCharsets.UTF_8),
          codec.encode(event)), (metadata, e) -> {
            if (e != null) {
              failed(e);
            }
          });
    } catch (RuntimeException e) {
      failed(e); // closed producer (an abandoned handler still reporting): the line stays in the excerpt
    }
  }

  private synchronized void failed(Exception e) {
    if (!sendFailed) {
      sendFailed = true;
      log.warn("build log lines are not reaching {}: {}", topic, e.getMessage());
    }
  }

  private void remember(String line) {
    last.addLast(line);
    int bytes = last.stream().mapToInt(l -> l.getBytes(StandardCharsets.UTF_8).length + 1).sum();
    while (last.size() > EXCERPT_LINES || (bytes > EXCERPT_BYTES && last.size() > 1)) {
      bytes -= last.removeFirst().getBytes(StandardCharsets.UTF_8).length + 1;
    }
  }

  private static String bounded(String text) {
    String line = text == null ? "" : text;
    return line.length() > MAX_LINE ? line.substring(0, MAX_LINE) + "…" : line;
  }
}
