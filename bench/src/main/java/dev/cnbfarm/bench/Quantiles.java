package dev.cnbfarm.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Nearest-rank quantiles of a benchmark's samples (a median of an even count is the upper middle
 * one, as the other benchmarks take it). Immutable: sorts a copy.
 */
record Quantiles(List<Double> sorted) {
  Quantiles {
    if (sorted.isEmpty()) {
      throw new IllegalArgumentException("no samples");
    }
    List<Double> copy = new ArrayList<>(sorted);
    Collections.sort(copy);
    sorted = List.copyOf(copy);
  }

  static Quantiles of(List<Double> samples) {
    return new Quantiles(samples);
  }

  double median() {
    return sorted.get(sorted.size() / 2);
  }

  /** The smallest sample with at least {@code p} percent of the samples at or below it. */
  double percentile(double p) {
    int rank = (int) Math.ceil(p / 100.0 * sorted.size());
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank - 1)));
  }

  double max() {
    return sorted.get(sorted.size() - 1);
  }

  int count() {
    return sorted.size();
  }
}
