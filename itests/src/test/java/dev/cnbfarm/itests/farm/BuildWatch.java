package dev.cnbfarm.itests.farm;

import static org.awaitility.Awaitility.await;

import dev.cnbfarm.runtime.client.BuildClient;
import dev.cnbfarm.runtime.client.BuildEvent;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;

/**
 * {@link BuildClient#follow} of one build on a thread of its own: every event seen so far (log
 * lines included), and the terminal event when it comes. Thread-safe.
 */
public final class BuildWatch {
  private final String buildId;
  private final List<BuildEvent> events = new CopyOnWriteArrayList<>();
  private final CompletableFuture<BuildEvent> terminal;

  BuildWatch(BuildClient client, String buildId, Duration timeout) {
    this.buildId = buildId;
    this.terminal = CompletableFuture.supplyAsync(() -> {
      try (client) {
        return client.follow(buildId, events::add, timeout);
      }
    });
  }

  /** Follows {@code buildId} with {@code client} (closed when the build ends) on a thread of its own. */
  public static BuildWatch follow(BuildClient client, String buildId, Duration timeout) {
    return new BuildWatch(client, buildId, timeout);
  }

  public String buildId() {
    return buildId;
  }

  public List<BuildEvent> events() {
    return List.copyOf(events);
  }

  /** Waits for an event matching {@code wanted} and returns it. */
  public BuildEvent awaitEvent(String what, Predicate<BuildEvent> wanted, Duration timeout) {
    await(what + " of build " + buildId).atMost(timeout).pollInterval(Duration.ofMillis(100)).until(() -> {
      if (events.stream().anyMatch(wanted)) {
        return true;
      }
      if (terminal.isDone()) {
        throw new AssertionError("build " + buildId + " ended without " + what + ": " + describe());
      }
      return false;
    });
    return events.stream().filter(wanted).findFirst().orElseThrow();
  }

  /** Waits for a log line of {@code phase} that contains {@code text}. */
  public BuildEvent awaitLog(String phase, String text, Duration timeout) {
    return awaitEvent("a " + phase + " log line with '" + text + "'", e -> e instanceof BuildEvent.Log l
        && l.event().getPhase().equals(phase) && l.event().getLine().contains(text), timeout);
  }

  /** The exported or failed event that ended the build. */
  public BuildEvent terminal(Duration timeout) {
    try {
      return terminal.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw new AssertionError("following build " + buildId + " failed: " + e.getCause().getMessage()
          + "; seen: " + describe(), e.getCause());
    } catch (TimeoutException e) {
      throw new AssertionError("build " + buildId + " did not end within " + timeout + "; seen: " + describe());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  /** The phase events seen, one per line, for a failure message. */
  public String describe() {
    StringBuilder out = new StringBuilder();
    for (BuildEvent e : events) {
      if (!(e instanceof BuildEvent.Log)) {
        out.append("\n  ").append(e.topic()).append(" at ").append(e.timestamp()).append(": ")
            .append(e.event().toString(), 0, Math.min(300, e.event().toString().length()));
      }
    }
    return out.toString();
  }
}
