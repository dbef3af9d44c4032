package dev.cnbfarm.runtime.loop;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * The dead-letter copy of an input record (style.md §5, Connect's idiom): the original key, value
 * and headers, plus {@code x-cnbfarm.*} headers saying where it came from and why it is here.
 * Stack traces go in a header, never in an event. Stateless.
 */
final class DeadLetters {
  static final String PREFIX = "x-cnbfarm.";
  static final String ORIGIN_TOPIC = PREFIX + "origin.topic";
  static final String ORIGIN_PARTITION = PREFIX + "origin.partition";
  static final String ORIGIN_OFFSET = PREFIX + "origin.offset";
  static final String WORKER = PREFIX + "worker";
  static final String PHASE = PREFIX + "phase";
  static final String STAGE = PREFIX + "stage";
  static final String CODE = PREFIX + "code";
  static final String CATEGORY = PREFIX + "category";
  static final String EXCEPTION = PREFIX + "exception";
  static final String MESSAGE = PREFIX + "message";
  static final String STACKTRACE = PREFIX + "stacktrace";
  static final String ATTEMPTS = PREFIX + "attempts";
  static final String REDRIVEN_FROM = dev.cnbfarm.runtime.dlq.DeadLetterQueue.REDRIVEN_FROM;
  private static final int MAX_TRACE = 16 * 1024;

  /** Where the record failed: it could not be decoded, or its handler failed. */
  enum Stage {
    DECODE, HANDLE;

    String tag() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /** What went wrong, as the headers say it. */
  record Reason(Stage stage, String code, String category, String message, Throwable failure, int attempts) {}

  private DeadLetters() {}

  static ProducerRecord<byte[], byte[]> copy(ConsumerRecord<byte[], byte[]> input, String dlqTopic, String worker,
      String phase, Reason why) {
    RecordHeaders headers = new RecordHeaders();
    for (Header h : input.headers()) {
      // a record that comes back after a re-drive keeps saying where it was re-driven from
      if (!h.key().startsWith(PREFIX) || h.key().equals(REDRIVEN_FROM)) {
        headers.add(h);
      }
    }
    put(headers, ORIGIN_TOPIC, input.topic());
    put(headers, ORIGIN_PARTITION, Integer.toString(input.partition()));
    put(headers, ORIGIN_OFFSET, Long.toString(input.offset()));
    put(headers, WORKER, worker);
    put(headers, PHASE, phase);
    put(headers, STAGE, why.stage().tag());
    put(headers, CODE, why.code());
    put(headers, CATEGORY, why.category());
    put(headers, EXCEPTION, why.failure().getClass().getName());
    put(headers, MESSAGE, why.message());
    put(headers, STACKTRACE, trace(why.failure()));
    put(headers, ATTEMPTS, Integer.toString(why.attempts()));
    return new ProducerRecord<>(dlqTopic, null, input.key(), input.value(), headers);
  }

  private static void put(RecordHeaders headers, String key, String value) {
    headers.add(key, (value == null ? "" : value).getBytes(StandardCharsets.UTF_8));
  }

  private static String trace(Throwable t) {
    StringWriter out = new StringWriter();
    t.printStackTrace(new PrintWriter(out));
    String s = out.toString();
    return s.length() > MAX_TRACE ? s.substring(0, MAX_TRACE) : s;
  }
}
