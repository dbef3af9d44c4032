/**
 * The analyzer phase (platform.md "analyzer"): the previous app image's layer metadata and launch
 * SBOMs, and the run image pinned with its target, into analyzed.toml.
 */
package dev.cnbfarm.engine.analyze;
