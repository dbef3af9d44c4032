/**
 * The detect, extend and export benchmarks, run by {@code scripts/bench} through {@link
 * dev.cnbfarm.bench.BenchMain}: each builds its inputs, verifies every run before its time counts
 * and prints medians. Not part of the {@code cnbfarm} command; it runs on test fixtures of {@code
 * image} (its test-jar) and on host tools (buildah, skopeo, debootstrap, docker-registry).
 */
package dev.cnbfarm.bench;
