package dev.cnbfarm.image.store;

import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.MDC;

/**
 * Hands the calling thread's log context (the MDC: buildId, phase, eventId...) to work that runs on
 * another thread, such as a registry call on a push or pull thread, so what it logs (the registry
 * client's retry warnings) still names its build. Stateless.
 */
public final class LogContext {
  private LogContext() {}

  /** {@code work}, to run on another thread with the log context of the thread calling this. */
  public static <T> Supplier<T> carried(Supplier<T> work) {
    Map<String, String> mdc = MDC.getCopyOfContextMap();
    return () -> {
      if (mdc != null) {
        MDC.setContextMap(mdc);
      }
      try {
        return work.get();
      } finally {
        MDC.clear();
      }
    };
  }

  /** As {@link #carried(Supplier)}, for work without a result. */
  public static Runnable carried(Runnable work) {
    Supplier<Void> carried = carried(() -> {
      work.run();
      return null;
    });
    return carried::get;
  }
}
