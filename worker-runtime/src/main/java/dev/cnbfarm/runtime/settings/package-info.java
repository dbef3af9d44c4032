/**
 * The workers' settings, each key declared once ({@link dev.cnbfarm.runtime.settings.Setting}) and
 * read only in a worker's {@code Main} (style.md §6).
 */
package dev.cnbfarm.runtime.settings;
