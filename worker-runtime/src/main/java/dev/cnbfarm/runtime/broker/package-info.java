/**
 * The in-process Kafka broker of the one-shot {@code cnbfarm build} (design.md §7): one KRaft node,
 * broker and controller in one, on 127.0.0.1, so the one-shot path goes through a real broker like
 * the farm path does.
 */
package dev.cnbfarm.runtime.broker;
