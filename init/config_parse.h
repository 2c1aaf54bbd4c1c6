// Turns init.json and the kernel command line into an InitConfig.
#pragma once

#include <string>
#include <string_view>

#include "init/config.h"
#include "lib/core/result.h"

namespace bp {

constexpr const char *kInitConfigPath = "/etc/buckypaper/init.json";

// Pure: text in, typed config out. Every error names the JSON path or the
// kernel parameter.
Result<InitConfig> parse_init_config(std::string_view json_text, std::string_view kernel_cmdline);

// Reads kInitConfigPath (under root) and /proc/cmdline.
Result<InitConfig> load_init_config(const std::string &root = "");

// "kbs:///<repository>/<type>/<tag>" -> its three parts.
Status parse_kbs_uri(const std::string &uri, ResourceConfig &resource);

}  // namespace bp
