/**
 * Extension Dockerfiles (CNB RFC 0105): a BuildKit-compatible parser ({@link
 * dev.cnbfarm.lifecycle.dockerfile.DockerfileParser}) and model, variable expansion, argument
 * helpers for the applier, and the CNB rules checked at generate time ({@link
 * dev.cnbfarm.lifecycle.dockerfile.DockerfileRules}; extensions.md §3.5, §4.1, §4.2). Pure: no I/O,
 * no logging; warnings are returned as data.
 */
package dev.cnbfarm.lifecycle.dockerfile;
