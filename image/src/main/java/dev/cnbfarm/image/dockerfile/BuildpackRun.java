package dev.cnbfarm.image.dockerfile;

import dev.cnbfarm.lifecycle.exec.Execution;

/** How one buildpack's {@code /bin/build} ran: its coordinates and the execution. Immutable. */
public record BuildpackRun(String id, String version, Execution execution) {}
