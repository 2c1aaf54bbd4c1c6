#include "lib/seccomp/enosys_stub.h"

#include <errno.h>
#include <linux/audit.h>
#include <linux/seccomp.h>
#include <stddef.h>

namespace bp {
namespace {

constexpr uint32_t kX32Bit = 0x40000000;
constexpr uint32_t kOffsetNr = offsetof(struct seccomp_data, nr);
constexpr uint32_t kOffsetArch = offsetof(struct seccomp_data, arch);

// A tiny assembler: jumps name labels, resolved once every label is placed.
class Assembler {
 public:
  enum Label : int { next = -1, enosys = 0, filter = 1, first_free = 2 };

  int new_label() {
    labels_.push_back(0);
    return static_cast<int>(labels_.size() - 1);
  }
  void place(int label) { labels_[static_cast<size_t>(label)] = insns_.size(); }
  void load(uint32_t offset) { insns_.push_back({BPF_LD | BPF_W | BPF_ABS, next, next, offset}); }
  void jump_if(uint16_t condition, uint32_t k, int if_true, int if_false) {
    insns_.push_back({static_cast<uint16_t>(BPF_JMP | condition | BPF_K), if_true, if_false, k});
  }
  void ret(uint32_t k) { insns_.push_back({BPF_RET | BPF_K, next, next, k}); }

  std::vector<sock_filter> finish() const {
    std::vector<sock_filter> out;
    for (size_t i = 0; i < insns_.size(); ++i) {
      const Insn &insn = insns_[i];
      out.push_back({insn.code, offset(insn.if_true, i), offset(insn.if_false, i), insn.k});
    }
    return out;
  }

 private:
  struct Insn {
    uint16_t code;
    int if_true;
    int if_false;
    uint32_t k;
  };

  uint8_t offset(int label, size_t from) const {
    if (label == next) return 0;
    // The stub is a few instructions long, so every forward jump fits.
    return static_cast<uint8_t>(labels_[static_cast<size_t>(label)] - from - 1);
  }

  std::vector<Insn> insns_;
  std::vector<size_t> labels_ = std::vector<size_t>(first_free, 0);
};

}  // namespace

std::vector<sock_filter> enosys_stub(const EnosysLimits &limits) {
  if (!limits.x86_64 && !limits.x32 && !limits.x86) return {};
  Assembler a;
  // Other architectures go straight to the filter (and its bad-arch action).
  int x86_section = limits.x86 ? a.new_label() : Assembler::filter;
  a.load(kOffsetArch);
  if (limits.x86_64 || limits.x32) {
    a.jump_if(BPF_JEQ, AUDIT_ARCH_X86_64, Assembler::next, x86_section);
    a.load(kOffsetNr);
    if (limits.x86_64 && limits.x32) {
      int x32 = a.new_label();
      a.jump_if(BPF_JSET, kX32Bit, x32, Assembler::next);
      a.jump_if(BPF_JGT, *limits.x86_64, Assembler::enosys, Assembler::filter);
      a.place(x32);
      a.jump_if(BPF_JGT, *limits.x32, Assembler::enosys, Assembler::filter);
    } else if (limits.x86_64) {
      // x32 calls go to the filter, which knows whether the profile has that ABI.
      a.jump_if(BPF_JSET, kX32Bit, Assembler::filter, Assembler::next);
      a.jump_if(BPF_JGT, *limits.x86_64, Assembler::enosys, Assembler::filter);
    } else {
      a.jump_if(BPF_JSET, kX32Bit, Assembler::next, Assembler::filter);
      a.jump_if(BPF_JGT, *limits.x32, Assembler::enosys, Assembler::filter);
    }
  }
  if (limits.x86) {
    a.place(x86_section);
    a.jump_if(BPF_JEQ, AUDIT_ARCH_I386, Assembler::next, Assembler::filter);
    a.load(kOffsetNr);
    a.jump_if(BPF_JGT, *limits.x86, Assembler::enosys, Assembler::filter);
  }
  a.place(Assembler::enosys);
  a.ret(SECCOMP_RET_ERRNO | ENOSYS);
  a.place(Assembler::filter);
  return a.finish();
}

}  // namespace bp
