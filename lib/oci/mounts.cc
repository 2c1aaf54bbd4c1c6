#include "lib/oci/mounts.h"

#include <sys/mount.h>

#include "lib/core/format.h"
#include "lib/core/strings.h"

namespace bp {
namespace {

struct FlagOption {
  const char *name;
  unsigned long set;
  unsigned long clear;
};

const FlagOption kFlagOptions[] = {
    {"ro", MS_RDONLY, 0},
    {"rw", 0, MS_RDONLY},
    {"nosuid", MS_NOSUID, 0},
    {"suid", 0, MS_NOSUID},
    {"nodev", MS_NODEV, 0},
    {"dev", 0, MS_NODEV},
    {"noexec", MS_NOEXEC, 0},
    {"exec", 0, MS_NOEXEC},
    {"relatime", MS_RELATIME, 0},
    {"norelatime", 0, MS_RELATIME},
    {"noatime", MS_NOATIME, 0},
    {"strictatime", MS_STRICTATIME, 0},
    {"nodiratime", MS_NODIRATIME, 0},
    // Every mount of the workload is private already.
    {"private", 0, 0},
    {"rprivate", 0, 0},
};

struct TypeRule {
  MountType type;
  const char *name;
  const char *destination;         // nullptr: any
  std::vector<const char *> data;  // accepted "key=" options and bare words
};

const TypeRule kTypes[] = {
    {MountType::proc, "proc", "/proc", {}},
    {MountType::sysfs, "sysfs", "/sys", {}},
    {MountType::tmpfs, "tmpfs", nullptr, {"mode=", "size=", "nr_inodes=", "uid=", "gid="}},
    {MountType::devpts, "devpts", "/dev/pts", {"newinstance", "ptmxmode=", "mode=", "gid="}},
    {MountType::mqueue, "mqueue", "/dev/mqueue", {}},
};

bool is_value_char(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '%';
}

// Returns true if the option is one of the type's filesystem options.
Result<bool> add_data_option(const TypeRule &rule, const std::string &option, std::string &data,
                             const std::string &where) {
  for (const char *accepted : rule.data) {
    std::string_view key(accepted);
    if (key.back() == '=') {
      if (!starts_with(option, key)) continue;
      std::string_view value = std::string_view(option).substr(key.size());
      bool valid = !value.empty();
      for (char c : value) valid &= is_value_char(c);
      if (!valid) return Error(format("%s: bad value in \"%s\"", where.c_str(), option.c_str()));
    } else if (option != key) {
      continue;
    }
    if (!data.empty()) data += ",";
    data += option;
    return true;
  }
  return false;
}

const FlagOption *find_flag(const std::string &option) {
  for (const FlagOption &flag : kFlagOptions) {
    if (option == flag.name) return &flag;
  }
  return nullptr;
}

bool under(std::string_view path, std::string_view dir) {
  if (dir == "/") return true;
  return path == dir || (starts_with(path, dir) && path.size() > dir.size() && path[dir.size()] == '/');
}

Result<MountSpec> make_bind(const std::string &path, std::optional<std::string_view> source,
                            std::string_view destination, const std::vector<std::string> &options) {
  if (!source || *source != kDataVolumeSource)
    return Error(format("%s.source: bind mounts may only name \"%s\" (the VM's data volume)", path.c_str(),
                        kDataVolumeSource));
  MountSpec mount;
  mount.type = MountType::data_bind;
  mount.destination = std::string(destination);
  bool bind = false;
  for (size_t i = 0; i < options.size(); ++i) {
    const std::string &option = options[i];
    if (option == "bind" || option == "rbind") {
      mount.flags |= MS_BIND | (option == "rbind" ? MS_REC : 0);
      bind = true;
      continue;
    }
    const FlagOption *flag = find_flag(option);
    if (flag == nullptr)
      return Error(format("%s.options[%zu]: unsupported option \"%s\" for a bind mount", path.c_str(), i,
                          option.c_str()));
    mount.flags = (mount.flags | flag->set) & ~flag->clear;
  }
  if (!bind) return Error(format("%s.options: a bind mount needs \"bind\" or \"rbind\"", path.c_str()));
  return mount;
}

}  // namespace

Status check_container_path(std::string_view path) {
  if (path.empty() || path[0] != '/') return Error("must be an absolute path");
  if (path == "/") return Error("must not be the container's root");
  for (std::string_view part : split(path.substr(1), '/')) {
    if (part.empty() || part == "." || part == "..")
      return Error(format("\"%.*s\" is not a normalised path", static_cast<int>(path.size()), path.data()));
  }
  if (path.find('\0') != std::string_view::npos) return Error("contains a NUL character");
  return {};
}

Result<MountSpec> make_mount(const std::string &path, std::optional<std::string_view> type,
                             std::optional<std::string_view> source, std::string_view destination,
                             const std::vector<std::string> &options) {
  TRY_CONTEXT(check_container_path(destination), path + ".destination");
  bool has_bind_option = false;
  for (const std::string &option : options) has_bind_option |= option == "bind" || option == "rbind";
  if (!type || *type == "bind" || (*type == "none" && has_bind_option))
    return make_bind(path, source, destination, options);

  const TypeRule *rule = nullptr;
  for (const TypeRule &candidate : kTypes) {
    if (*type == candidate.name) rule = &candidate;
  }
  if (rule == nullptr)
    return Error(
        format("%s.type: mount type \"%.*s\" is not supported (proc, sysfs, tmpfs, devpts, mqueue, or a "
               "bind mount of %s)",
               path.c_str(), static_cast<int>(type->size()), type->data(), kDataVolumeSource));
  if (rule->destination != nullptr && destination != rule->destination)
    return Error(
        format("%s.destination: %s is only supported at %s", path.c_str(), rule->name, rule->destination));

  MountSpec mount;
  mount.type = rule->type;
  mount.destination = std::string(destination);
  for (size_t i = 0; i < options.size(); ++i) {
    const std::string &option = options[i];
    std::string where = format("%s.options[%zu]", path.c_str(), i);
    if (const FlagOption *flag = find_flag(option)) {
      mount.flags = (mount.flags | flag->set) & ~flag->clear;
      continue;
    }
    if (TRY(add_data_option(*rule, option, mount.data, where))) continue;
    return Error(format("%s: unsupported option \"%s\" for %s", where.c_str(), option.c_str(), rule->name));
  }
  if (mount.type == MountType::sysfs && (mount.flags & MS_RDONLY) == 0)
    return Error(format("%s.options: sysfs must be mounted read-only (\"ro\")", path.c_str()));
  return mount;
}

Status check_mount_order(const std::string &path, const std::vector<MountSpec> &mounts) {
  for (size_t i = 0; i < mounts.size(); ++i) {
    if (mounts[i].type != MountType::data_bind) continue;
    for (size_t j = 0; j < mounts.size(); ++j) {
      if (j == i || mounts[j].type == MountType::data_bind) continue;
      if (under(mounts[i].destination, mounts[j].destination))
        return Error(format("%s[%zu].destination: the data volume at %s would be hidden by %s[%zu] at %s",
                            path.c_str(), i, mounts[i].destination.c_str(), path.c_str(), j,
                            mounts[j].destination.c_str()));
    }
  }
  return {};
}

}  // namespace bp
