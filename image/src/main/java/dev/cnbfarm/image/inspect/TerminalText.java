package dev.cnbfarm.image.inspect;

import java.util.regex.Pattern;

/**
 * Text from an image (labels, module names, process commands) made safe to print on a terminal:
 * escape sequences (CSI, OSC, and two-byte ones) and every other control character but newline
 * and tab are removed, so an image cannot retitle, clear or rewrite the terminal of whoever
 * inspects it. Stateless.
 */
public final class TerminalText {
  private static final Pattern SEQUENCES = Pattern.compile(
      "\u001b\\[[0-?]*[ -/]*[@-~]"                      // CSI ... final byte
          + "|\u001b\\][^\u0007\u001b]*(?:\u0007|\u001b\\\\)?" // OSC ... BEL or ST
          + "|\u001b[PX^_][^\u001b]*(?:\u001b\\\\)?"         // DCS, SOS, PM, APC ... ST
          + "|\u001b.?");                                  // any other escape
  private static final Pattern CONTROLS = Pattern.compile("[\u0000-\u0008\u000b-\u001f\u007f-\u009f]");

  private TerminalText() {}

  /** {@code text} without terminal escape sequences or control characters (newline and tab kept). */
  public static String printable(String text) {
    return CONTROLS.matcher(SEQUENCES.matcher(text).replaceAll("")).replaceAll("");
  }
}
