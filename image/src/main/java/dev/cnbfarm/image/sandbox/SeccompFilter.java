package dev.cnbfarm.image.sandbox;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The classic-BPF seccomp program bubblewrap loads ({@code --seccomp FD}) before it execs a
 * sandboxed command: a deny list of the syscalls a build step has no business making (mounting,
 * namespaces, kernel modules, keyrings, BPF, tracing, clock and swap changes, handle-based opens),
 * plus {@code clone} with a namespace flag. Denied calls fail with {@code EPERM} rather than
 * killing the process, so tools that probe for a feature degrade gracefully; {@code clone3} fails
 * with {@code ENOSYS} so the C library falls back to {@code clone}, whose flags the filter can
 * read. A call from another ABI (i386, x32) fails with {@code EPERM}: its syscall numbers differ.
 *
 * <p>Written in Java rather than by libseccomp so nothing but bubblewrap is needed on the host. The
 * program is built for the host's architecture (x86_64 or aarch64). Stateless.
 */
final class SeccompFilter {
  // linux/filter.h, linux/seccomp.h, linux/audit.h
  private static final short LD_W_ABS = 0x20;
  private static final short JEQ_K = 0x15;
  private static final short JGE_K = 0x35;
  private static final short JSET_K = 0x45;
  private static final short RET_K = 0x06;
  private static final int RET_ALLOW = 0x7fff0000;
  private static final int RET_ERRNO = 0x00050000;
  private static final int EPERM = 1;
  private static final int ENOSYS = 38;
  private static final int OFFSET_NR = 0;
  private static final int OFFSET_ARCH = 4;
  private static final int OFFSET_ARG0_LOW = 16;
  private static final int X32_BIT = 0x40000000;
  /** CLONE_NEWNS | NEWCGROUP | NEWUTS | NEWIPC | NEWUSER | NEWPID | NEWNET. */
  private static final int CLONE_NAMESPACES = 0x7E020000;

  /** A host architecture: its audit id, the denied syscall numbers, clone and clone3. */
  record Arch(String name, int auditArch, List<Integer> denied, int cloneNr, int clone3Nr) {}

  /**
   * The deny list by name; see the class comment. {@code ptrace} and {@code process_vm_*} are
   * denied too: nothing in a build needs to inspect another process's memory.
   */
  static final Map<String, int[]> DENIED =
      Map.ofEntries(
          // {x86_64, aarch64}; -1 where the architecture has no such call.
          Map.entry("mount", new int[] {165, 40}),
          Map.entry("umount2", new int[] {166, 39}),
          Map.entry("pivot_root", new int[] {155, 41}),
          Map.entry("open_tree", new int[] {428, 428}),
          Map.entry("move_mount", new int[] {429, 429}),
          Map.entry("fsopen", new int[] {430, 430}),
          Map.entry("fsconfig", new int[] {431, 431}),
          Map.entry("fsmount", new int[] {432, 432}),
          Map.entry("fspick", new int[] {433, 433}),
          Map.entry("mount_setattr", new int[] {442, 442}),
          Map.entry("setns", new int[] {308, 268}),
          Map.entry("unshare", new int[] {272, 97}),
          Map.entry("kexec_load", new int[] {246, 104}),
          Map.entry("kexec_file_load", new int[] {320, 294}),
          Map.entry("init_module", new int[] {175, 105}),
          Map.entry("finit_module", new int[] {313, 273}),
          Map.entry("delete_module", new int[] {176, 106}),
          Map.entry("bpf", new int[] {321, 280}),
          Map.entry("perf_event_open", new int[] {298, 241}),
          Map.entry("keyctl", new int[] {250, 219}),
          Map.entry("add_key", new int[] {248, 217}),
          Map.entry("request_key", new int[] {249, 218}),
          Map.entry("open_by_handle_at", new int[] {304, 265}),
          Map.entry("name_to_handle_at", new int[] {303, 264}),
          Map.entry("reboot", new int[] {169, 142}),
          Map.entry("swapon", new int[] {167, 224}),
          Map.entry("swapoff", new int[] {168, 225}),
          Map.entry("acct", new int[] {163, 89}),
          Map.entry("settimeofday", new int[] {164, 170}),
          Map.entry("clock_settime", new int[] {227, 112}),
          Map.entry("clock_adjtime", new int[] {305, 266}),
          Map.entry("adjtimex", new int[] {159, 171}),
          Map.entry("ptrace", new int[] {101, 117}),
          Map.entry("process_vm_readv", new int[] {310, 270}),
          Map.entry("process_vm_writev", new int[] {311, 271}),
          Map.entry("userfaultfd", new int[] {323, 282}),
          Map.entry("iopl", new int[] {172, -1}),
          Map.entry("ioperm", new int[] {173, -1}),
          Map.entry("syslog", new int[] {103, 116}),
          Map.entry("lookup_dcookie", new int[] {212, 18}),
          Map.entry("quotactl", new int[] {179, 60}),
          Map.entry("quotactl_fd", new int[] {443, 443}),
          Map.entry("uselib", new int[] {134, -1}),
          Map.entry("vhangup", new int[] {153, 58}));

  static final Arch X86_64 = arch("x86_64", 0xC000003E, 0, 56, 435);
  static final Arch AARCH64 = arch("aarch64", 0xC00000B7, 1, 220, 435);

  private SeccompFilter() {}

  private static Arch arch(String name, int auditArch, int column, int cloneNr, int clone3Nr) {
    List<Integer> denied = new ArrayList<>();
    for (int[] numbers : DENIED.values()) {
      if (numbers[column] >= 0) {
        denied.add(numbers[column]);
      }
    }
    denied.sort(Integer::compare);
    return new Arch(name, auditArch, List.copyOf(denied), cloneNr, clone3Nr);
  }

  /**
   * The host's architecture.
   *
   * @throws SandboxException on an architecture the filter has no syscall table for
   */
  static Arch host() {
    String arch = System.getProperty("os.arch");
    return switch (arch) {
      case "amd64", "x86_64" -> X86_64;
      case "aarch64", "arm64" -> AARCH64;
      default -> throw new SandboxException("no seccomp syscall table for architecture " + arch);
    };
  }

  /** The program for {@code arch}, as the bytes of {@code struct sock_filter[]} (host order). */
  static byte[] program(Arch arch) {
    List<long[]> ins = new ArrayList<>();
    int n = arch.denied().size();
    // 0: arch check; 1: foreign ABI -> EPERM; 2: load nr; 3: x32 -> EPERM.
    add(ins, LD_W_ABS, 0, 0, OFFSET_ARCH);
    add(ins, JEQ_K, 1, 0, arch.auditArch());
    add(ins, RET_K, 0, 0, RET_ERRNO | EPERM);
    add(ins, LD_W_ABS, 0, 0, OFFSET_NR);
    if (arch == X86_64) {
      // jge jumps to the shared EPERM return at the end; computed below.
      add(ins, JGE_K, -1, 0, X32_BIT);
    }
    add(ins, JEQ_K, 0, 1, arch.clone3Nr());
    add(ins, RET_K, 0, 0, RET_ERRNO | ENOSYS);
    add(ins, JEQ_K, 0, 3, arch.cloneNr());
    add(ins, LD_W_ABS, 0, 0, OFFSET_ARG0_LOW);
    add(ins, JSET_K, -1, 0, CLONE_NAMESPACES);
    add(ins, RET_K, 0, 0, RET_ALLOW);
    for (int i = 0; i < n; i++) {
      add(ins, JEQ_K, -1, 0, arch.denied().get(i));
    }
    add(ins, RET_K, 0, 0, RET_ALLOW);
    int eperm = ins.size();
    add(ins, RET_K, 0, 0, RET_ERRNO | EPERM);
    ByteBuffer out = ByteBuffer.allocate(ins.size() * 8).order(ByteOrder.nativeOrder());
    for (int i = 0; i < ins.size(); i++) {
      long[] in = ins.get(i);
      long jt = in[1] == -1 ? eperm - i - 1 : in[1];
      if (jt > 255) {
        throw new IllegalStateException("seccomp jump out of range at " + i);
      }
      out.putShort((short) in[0]).put((byte) jt).put((byte) in[2]).putInt((int) in[3]);
    }
    return out.array();
  }

  private static void add(List<long[]> ins, short code, int jt, int jf, int k) {
    ins.add(new long[] {code, jt, jf, k});
  }
}
