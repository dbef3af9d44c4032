/**
 * Fixtures of a farm made of separate processes: a standalone {@code kafka.Kafka} broker JVM and
 * {@code cnbfarm worker} JVMs, each stopped by its PID (design.md §2, machine.md §1(b)).
 */
package dev.cnbfarm.itests.farm;
