/**
 * Image root filesystems without copying: unpacked layers in a {@link
 * dev.cnbfarm.image.rootfs.RootfsCache} keyed by diffID, stacked as overlayfs lower dirs by a
 * {@link dev.cnbfarm.image.rootfs.RootfsPlan}, with a fresh upper dir per step in a {@link
 * dev.cnbfarm.image.rootfs.ScratchSpace} (design §5), all owned by the process's {@link
 * dev.cnbfarm.image.rootfs.LocalCache}: one cache dir, a file lock per live entry, one LRU budget.
 *
 * <p>Limits: overlayfs stacks at most 500 lowers (one is the sandbox's mount-point layer), and the
 * mount option string must fit one page (4096 bytes); lower dirs are therefore named by short
 * relative links ({@code l/<n>}) inside the step dir. Requires Linux ≥ 5.11 for {@code userxattr}.
 */
package dev.cnbfarm.image.rootfs;
