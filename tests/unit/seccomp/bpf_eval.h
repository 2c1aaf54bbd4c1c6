// A classic-BPF evaluator for seccomp programs, so tests can ask what a
// filter answers for any syscall, architecture and arguments without making
// the call (mount, reboot, ... must not really run on the test host). It
// covers the instructions libseccomp and the ENOSYS stub emit; anything else
// fails the test. Cross-checked against the kernel in test_seccomp_run.cc.
#pragma once

#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <vector>

#include "tests/unit/test_support.h"

namespace bp_test {

inline uint32_t bpf_evaluate(const std::vector<sock_filter> &program, const seccomp_data &data) {
  uint32_t a = 0, x = 0;
  uint32_t mem[BPF_MEMWORDS] = {};
  size_t pc = 0;
  while (pc < program.size()) {
    const sock_filter &insn = program[pc];
    ++pc;
    switch (insn.code) {
      case BPF_LD | BPF_W | BPF_ABS:
        if (insn.k % 4 != 0 || insn.k + 4 > sizeof data) fail_msg("bpf: load at bad offset %u", insn.k);
        memcpy(&a, reinterpret_cast<const uint8_t *>(&data) + insn.k, 4);
        break;
      case BPF_LD | BPF_IMM:
        a = insn.k;
        break;
      case BPF_LDX | BPF_IMM:
        x = insn.k;
        break;
      case BPF_LD | BPF_MEM:
        a = mem[insn.k % BPF_MEMWORDS];
        break;
      case BPF_LDX | BPF_MEM:
        x = mem[insn.k % BPF_MEMWORDS];
        break;
      case BPF_ST:
        mem[insn.k % BPF_MEMWORDS] = a;
        break;
      case BPF_STX:
        mem[insn.k % BPF_MEMWORDS] = x;
        break;
      case BPF_ALU | BPF_AND | BPF_K:
        a &= insn.k;
        break;
      case BPF_ALU | BPF_AND | BPF_X:
        a &= x;
        break;
      case BPF_MISC | BPF_TAX:
        x = a;
        break;
      case BPF_MISC | BPF_TXA:
        a = x;
        break;
      case BPF_JMP | BPF_JA:
        pc += insn.k;
        break;
      case BPF_JMP | BPF_JEQ | BPF_K:
        pc += a == insn.k ? insn.jt : insn.jf;
        break;
      case BPF_JMP | BPF_JGT | BPF_K:
        pc += a > insn.k ? insn.jt : insn.jf;
        break;
      case BPF_JMP | BPF_JGE | BPF_K:
        pc += a >= insn.k ? insn.jt : insn.jf;
        break;
      case BPF_JMP | BPF_JSET | BPF_K:
        pc += (a & insn.k) != 0 ? insn.jt : insn.jf;
        break;
      case BPF_JMP | BPF_JEQ | BPF_X:
        pc += a == x ? insn.jt : insn.jf;
        break;
      case BPF_JMP | BPF_JGT | BPF_X:
        pc += a > x ? insn.jt : insn.jf;
        break;
      case BPF_JMP | BPF_JGE | BPF_X:
        pc += a >= x ? insn.jt : insn.jf;
        break;
      case BPF_RET | BPF_K:
        return insn.k;
      case BPF_RET | BPF_A:
        return a;
      default:
        fail_msg("bpf: unsupported instruction 0x%04x at %zu", insn.code, pc - 1);
    }
  }
  fail_msg("bpf: program ran off its end");
  return 0;
}

inline seccomp_data syscall_data(int nr, uint64_t a0 = 0, uint64_t a1 = 0, uint64_t a2 = 0, uint64_t a3 = 0,
                                 uint32_t arch = AUDIT_ARCH_X86_64) {
  seccomp_data data{};
  data.nr = nr;
  data.arch = arch;
  data.args[0] = a0;
  data.args[1] = a1;
  data.args[2] = a2;
  data.args[3] = a3;
  return data;
}

}  // namespace bp_test
