/**
 * The export worker (design.md §2, §4): {@link dev.cnbfarm.export.ExportHandler} joins a build's
 * {@code built} and {@code run.ready} events and writes the app image, metadata-only, with the
 * image engine's assembler and pusher; {@link dev.cnbfarm.export.ExportWorker} composes it for the
 * runtime. No Kafka types here: the runtime joins the events and produces the outputs.
 */
package dev.cnbfarm.export;
