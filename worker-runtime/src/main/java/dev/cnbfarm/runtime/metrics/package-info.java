/** A worker's /metrics, /healthz and /readyz ({@link dev.cnbfarm.runtime.metrics.HealthServer}). */
package dev.cnbfarm.runtime.metrics;
