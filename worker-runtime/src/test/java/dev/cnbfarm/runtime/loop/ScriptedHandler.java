package dev.cnbfarm.runtime.loop;

import dev.cnbfarm.runtime.EventIds;
import dev.cnbfarm.runtime.Topic;
import dev.cnbfarm.runtime.handler.HandlerContext;
import dev.cnbfarm.runtime.handler.HandlerResult;
import dev.cnbfarm.runtime.handler.PhaseHandler;
import dev.cnbfarm.schemas.BuildExported;
import dev.cnbfarm.schemas.BuildRequested;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A fake detect handler: each call runs the next step of its script (the last one repeats) and
 * records the build ids it was called for. Thread-safe.
 */
final class ScriptedHandler implements PhaseHandler<BuildRequested> {
  /** One call's behaviour: return a result or throw. */
  interface Step {
    HandlerResult run(BuildRequested event, HandlerContext context) throws Exception;
  }

  private final List<Step> script;
  private final AtomicInteger calls = new AtomicInteger();
  final List<String> handled = new CopyOnWriteArrayList<>();
  final Map<String, AtomicInteger> perBuild = new ConcurrentHashMap<>();

  ScriptedHandler(Step... script) {
    this.script = List.of(script);
  }

  /** Answers every event with one BuildExported. */
  static ScriptedHandler succeeding() {
    return new ScriptedHandler(ScriptedHandler::exported);
  }

  static HandlerResult exported(BuildRequested event, HandlerContext context) {
    return HandlerResult.of(Topic.EXPORTED, event.getBuildId(), BuildExported.newBuilder()
        .setEventId(EventIds.of(event.getBuildId(), "exported", event.getAttempt())).setBuildId(event.getBuildId())
        .setAttempt(event.getAttempt()).setOccurredAt(context.clock().instant()).setProducer(context.producer())
        .setImage("oci:/t:app@sha256:" + "b".repeat(64)).setImageDigest("sha256:" + "b".repeat(64))
        .setTags(List.of()).setRunImage("").build());
  }

  @Override
  public String phase() {
    return "detect";
  }

  @Override
  public Class<BuildRequested> input() {
    return BuildRequested.class;
  }

  @Override
  public HandlerResult handle(BuildRequested event, HandlerContext context) {
    int n = calls.getAndIncrement();
    handled.add(event.getBuildId());
    perBuild.computeIfAbsent(event.getBuildId(), k -> new AtomicInteger()).incrementAndGet();
    try {
      return script.get(Math.min(n, script.size() - 1)).run(event, context);
    } catch (RuntimeException e) {
      throw e;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new dev.cnbfarm.lifecycle.failure.CancelledException("scripted step", e);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  int calls() {
    return calls.get();
  }

  int calls(String buildId) {
    AtomicInteger n = perBuild.get(buildId);
    return n == null ? 0 : n.get();
  }
}
