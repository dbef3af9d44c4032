package dev.cnbfarm.cli.image;

import java.util.ArrayList;
import java.util.List;

/** A text table: each column padded to its widest cell, two-space gaps, two-space indent. Not thread-safe. */
final class Columns {
  private final List<List<String>> rows = new ArrayList<>();

  Columns(String... header) {
    rows.add(List.of(header));
  }

  Columns row(String... cells) {
    List<String> r = new ArrayList<>();
    for (String c : cells) {
      r.add(c.isEmpty() ? "-" : c);
    }
    rows.add(r);
    return this;
  }

  void printTo(StringBuilder out) {
    int columns = rows.get(0).size();
    int[] width = new int[columns];
    rows.forEach(r -> {
      for (int i = 0; i < columns; i++) {
        width[i] = Math.max(width[i], r.get(i).length());
      }
    });
    for (List<String> r : rows) {
      StringBuilder line = new StringBuilder("  ");
      for (int i = 0; i < columns; i++) {
        line.append(i == columns - 1 ? r.get(i) : String.format("%-" + (width[i] + 2) + "s", r.get(i)));
      }
      out.append(line.toString().stripTrailing()).append('\n');
    }
  }
}
