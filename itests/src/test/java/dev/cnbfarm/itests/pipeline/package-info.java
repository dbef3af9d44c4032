/**
 * End-to-end tests of the build pipeline (design.md §2, §7, §8): a farm of in-process workers over
 * a real KRaft broker and a real registry, driven through the {@code cnbfarm} CLI.
 */
package dev.cnbfarm.itests.pipeline;
