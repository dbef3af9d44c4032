package dev.cnbfarm.lifecycle.dockerfile;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits ENV, LABEL and ARG arguments into words the way BuildKit's {@code parseWords} does: blanks
 * separate words except inside quotes; quotes and escapes are kept in the word (they are removed
 * later, by {@link VariableExpander}); an escape at the very end is dropped.
 */
final class Words {
  private Words() {}

  static List<String> split(String text, char escape) {
    List<String> words = new ArrayList<>();
    StringBuilder word = new StringBuilder();
    boolean inWord = false;
    char quote = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (quote == 0 && Character.isWhitespace(c)) {
        if (inWord) {
          words.add(word.toString());
          word.setLength(0);
          inWord = false;
        }
        continue;
      }
      inWord = true;
      if (c == escape) {
        if (i + 1 < text.length()) {
          word.append(c).append(text.charAt(++i));
        }
        continue;
      }
      if (quote == 0 && (c == '"' || c == '\'')) {
        quote = c;
      } else if (c == quote) {
        quote = 0;
      }
      word.append(c);
    }
    if (inWord) {
      words.add(word.toString());
    }
    return words;
  }
}
