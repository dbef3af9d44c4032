package dev.cnbfarm.runtime.admin;

import dev.cnbfarm.lifecycle.failure.Category;
import dev.cnbfarm.lifecycle.failure.CancelledException;
import dev.cnbfarm.lifecycle.failure.FailureCode;
import dev.cnbfarm.lifecycle.failure.Failures;
import dev.cnbfarm.lifecycle.failure.LifecycleException;
import dev.cnbfarm.runtime.settings.KafkaSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the farm's topics that are missing ({@code Topics.all()}: every topic and its {@code
 * .dlq} twin) with the configured partitions and replication. Idempotent: existing topics are
 * left as they are, and a topic another worker created at the same moment counts as created.
 * Stateless; thread-safe.
 */
public final class TopicAdmin {
  private static final Logger log = LoggerFactory.getLogger(TopicAdmin.class);
  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  private TopicAdmin() {}

  /**
   * Creates the missing topics and returns the names it created (empty when all existed).
   *
   * @throws LifecycleException {@link Category#INFRA} when the brokers cannot be reached in time
   */
  public static List<String> ensureTopics(KafkaSettings settings) {
    try (Admin admin = Admin.create(settings.adminProperties(settings.topics().prefix() + "-admin"))) {
      Set<String> existing = get(admin.listTopics().names(), settings);
      List<NewTopic> missing = new ArrayList<>();
      for (String name : settings.topics().all()) {
        if (!existing.contains(name)) {
          missing.add(new NewTopic(name, settings.partitions(), settings.replication()));
        }
      }
      List<String> created = new ArrayList<>();
      for (Map.Entry<String, KafkaFuture<Void>> e : admin.createTopics(missing).values().entrySet()) {
        if (created(e.getValue(), settings)) {
          created.add(e.getKey());
          log.info("created topic {} ({} partitions, replication {})", e.getKey(), settings.partitions(),
              settings.replication());
        } else {
          log.debug("topic {} was created by another worker meanwhile", e.getKey());
        }
      }
      return List.copyOf(created);
    }
  }

  /** Whether the creation made the topic; false when another worker made it first (TopicExistsException). */
  private static boolean created(KafkaFuture<Void> future, KafkaSettings settings) {
    try {
      get(future, settings);
      return true;
    } catch (LifecycleException e) {
      if (e.getCause() instanceof TopicExistsException) {
        return false;
      }
      throw e;
    }
  }

  private static <T> T get(KafkaFuture<T> future, KafkaSettings settings) {
    try {
      return future.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CancelledException("creating the topics", e);
    } catch (ExecutionException e) {
      throw failure(settings, e.getCause());
    } catch (TimeoutException e) {
      throw failure(settings, e);
    }
  }

  private static LifecycleException failure(KafkaSettings settings, Throwable cause) {
    LifecycleException known = Failures.classify(cause, FailureCode.GENERIC);
    Category category = known.category() == Category.INTERNAL ? Category.INFRA : known.category();
    return new LifecycleException(FailureCode.GENERIC, category, "cannot create the topics on "
        + settings.bootstrap() + ": " + known.getMessage(), cause);
  }

}
