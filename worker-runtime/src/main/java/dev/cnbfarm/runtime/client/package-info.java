/**
 * What the {@code cnbfarm} commands use to talk to a farm (design.md §1): submit a build, follow
 * it live, ask for its status, print its history, replay it. The event log is the only state: the
 * client reads the pipeline topics as they are, with no consumer group.
 */
package dev.cnbfarm.runtime.client;
