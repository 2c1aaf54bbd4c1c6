// A mounted file system owned by the init: unmounted when the handle goes
// away (lazily if it is still busy, so teardown never hangs), unless
// release() handed it over.
#pragma once

#include <string>

#include "lib/core/result.h"

namespace bp {

class MountedFs {
 public:
  // Creates the target directory if needed.
  static Result<MountedFs> mount(const std::string &source, const std::string &target,
                                 const std::string &type, unsigned long flags,
                                 const std::string &options = "");

  MountedFs(MountedFs &&other) noexcept : target_(std::move(other.target_)) { other.target_.clear(); }
  MountedFs &operator=(MountedFs &&) = delete;
  MountedFs(const MountedFs &) = delete;
  MountedFs &operator=(const MountedFs &) = delete;
  ~MountedFs();

  const std::string &target() const { return target_; }
  // syncs and unmounts now; an error (EBUSY) leaves it mounted.
  Status unmount();
  void release() { target_.clear(); }

 private:
  explicit MountedFs(std::string target) : target_(std::move(target)) {}
  std::string target_;
};

}  // namespace bp
