package dev.cnbfarm.lifecycle.failure;

import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.net.http.HttpTimeoutException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;

/**
 * The one mapping from anything a phase or command threw to a {@link LifecycleException} with a
 * code, a category and a one-line message (style.md §5), for the CLI's exit code and, later, the
 * worker loop's retry decision. Stateless; thread-safe.
 */
public final class Failures {
  /** An exception's class name, as {@code Throwable.toString()} puts it before a message. */
  private static final Pattern CLASS_NAME = Pattern.compile(
      "\\b(?:(?:[a-z_$][\\w$]*\\.)+(?:[A-Z][\\w$]*)?|[A-Z][\\w$]*)(?:Exception|Error)\\b:?\\s*");
  private static final int MAX_DEPTH = 32;

  private Failures() {}

  /**
   * Classifies {@code failure}, walking its cause chain and taking the first link it recognises:
   *
   * <ul>
   *   <li>a {@link LifecycleException} is returned as it is (it has its code);
   *   <li>another {@link CnbfarmException} (an image store, sandbox, layer or reference failure)
   *       gets {@code phaseDefault} as its code and keeps its own category and message;
   *   <li>an interrupt ({@link InterruptedException}, a plain {@link InterruptedIOException},
   *       {@link ClosedByInterruptException}, {@link CancellationException}) is {@link
   *       Category#CANCELLED};
   *   <li>a refused or reset connection, an unknown host or a timeout ({@link SocketException},
   *       {@link UnknownHostException}, the timeout subclasses of {@link InterruptedIOException},
   *       {@link HttpTimeoutException}, {@link TimeoutException}) is {@link Category#INFRA};
   * </ul>
   *
   * and anything else is {@link Category#INTERNAL}, with {@code internal error: <detail>}. No
   * message this returns contains a Java class name; the original is the result's cause, for a log.
   * Pure: it does not look at the current thread's interrupt flag.
   *
   * @param phaseDefault the code of the phase or command that was running (its exit code is used
   *     for every failure that did not bring its own)
   */
  public static LifecycleException classify(Throwable failure, FailureCode phaseDefault) {
    Objects.requireNonNull(failure, "failure");
    Objects.requireNonNull(phaseDefault, "phaseDefault");
    Throwable t = failure;
    for (int depth = 0; t != null && depth < MAX_DEPTH; depth++, t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof LifecycleException known) {
        return known;
      }
      if (t instanceof CnbfarmException ours) {
        return new LifecycleException(phaseDefault, ours.category(), ours.getMessage(), failure);
      }
      if (isInterrupt(t)) {
        return new LifecycleException(phaseDefault, Category.CANCELLED, "interrupted" + detail(failure), failure);
      }
      if (isTransientNetwork(t)) {
        return new LifecycleException(phaseDefault, Category.INFRA, describe(t), failure);
      }
    }
    return new LifecycleException(phaseDefault, Category.INTERNAL, "internal error: " + describe(failure), failure);
  }

  private static boolean isInterrupt(Throwable t) {
    return t instanceof InterruptedException || t.getClass() == InterruptedIOException.class
        || t instanceof ClosedByInterruptException || t instanceof CancellationException;
  }

  /** Subclasses of {@link InterruptedIOException} are timeouts (socket, connect); the class itself is an interrupt. */
  private static boolean isTransientNetwork(Throwable t) {
    return t instanceof SocketException || t instanceof UnknownHostException || t instanceof HttpTimeoutException
        || t instanceof TimeoutException || t instanceof InterruptedIOException;
  }

  private static String detail(Throwable failure) {
    String d = describe(failure);
    return d.isEmpty() || d.equals("interrupted") ? "" : ": " + d;
  }

  /** What went wrong, as a person reads it: one line, never a class name. */
  static String describe(Throwable t) {
    Throwable cause = t.getCause();
    String message = t.getMessage();
    if (cause != null && cause != t
        && (t instanceof UncheckedIOException || message == null || message.equals(cause.toString()))) {
      return describe(cause);
    }
    if (t instanceof NoSuchFileException e) {
      return "no such file: " + e.getFile();
    }
    if (t instanceof AccessDeniedException e) {
      return "permission denied: " + e.getFile();
    }
    if (t instanceof FileAlreadyExistsException e) {
      return "already exists: " + e.getFile();
    }
    if (t instanceof DirectoryNotEmptyException e) {
      return "directory not empty: " + e.getFile();
    }
    if (t instanceof NotDirectoryException e) {
      return "not a directory: " + e.getFile();
    }
    if (t instanceof UnknownHostException) {
      return "unknown host " + (message == null ? "" : message).trim();
    }
    if (message == null || message.isBlank()) {
      return t instanceof InterruptedException ? "interrupted" : "no detail given";
    }
    String text = CLASS_NAME.matcher(message.replace('\n', ' ').replace('\r', ' ')).replaceAll("").trim();
    return text.isEmpty() ? "no detail given" : text;
  }
}
