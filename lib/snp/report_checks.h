// The outcome of verifying an attestation report: one named entry per check,
// in the order they ran, so a tool can print all of them and a caller can
// tell exactly which one failed.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace bp::snp {

// skip: the check could not run because something it needs failed earlier.
enum class CheckOutcome { pass, fail, skip };

inline const char *check_outcome_name(CheckOutcome outcome) {
  switch (outcome) {
    case CheckOutcome::pass:
      return "pass";
    case CheckOutcome::fail:
      return "fail";
    case CheckOutcome::skip:
      return "skip";
  }
  return "fail";
}

struct Check {
  std::string name;
  CheckOutcome outcome;
  std::string detail;
};

class CheckList {
 public:
  void pass(const char *name, std::string detail) { add(name, CheckOutcome::pass, std::move(detail)); }
  void fail(const char *name, std::string detail) { add(name, CheckOutcome::fail, std::move(detail)); }
  void skip(const char *name, std::string detail) { add(name, CheckOutcome::skip, std::move(detail)); }

  const std::vector<Check> &checks() const { return checks_; }
  // True when there is at least one check and every one passed.
  bool all_passed() const {
    if (checks_.empty()) return false;
    for (const Check &c : checks_) {
      if (c.outcome != CheckOutcome::pass) return false;
    }
    return true;
  }
  // The entry with that name, or nullptr.
  const Check *find(const std::string &name) const {
    for (const Check &c : checks_) {
      if (c.name == name) return &c;
    }
    return nullptr;
  }

 private:
  void add(const char *name, CheckOutcome outcome, std::string detail) {
    checks_.push_back({name, outcome, std::move(detail)});
  }

  std::vector<Check> checks_;
};

}  // namespace bp::snp
