// A fresh directory under $TMPDIR (or /tmp), removed with its contents on
// destruction.
#pragma once

#include <string>

#include "lib/core/result.h"

namespace bp {

class TempDir {
 public:
  static Result<TempDir> create(const char *prefix = "bp");

  TempDir(TempDir &&other) noexcept : path_(std::move(other.path_)) { other.path_.clear(); }
  TempDir &operator=(TempDir &&) = delete;
  TempDir(const TempDir &) = delete;
  TempDir &operator=(const TempDir &) = delete;
  ~TempDir();

  const std::string &path() const { return path_; }
  std::string file(const std::string &name) const { return path_ + "/" + name; }

 private:
  explicit TempDir(std::string path) : path_(std::move(path)) {}

  std::string path_;
};

// Removes a file or a directory tree without following symbolic links.
Status remove_tree(const std::string &path);

}  // namespace bp
