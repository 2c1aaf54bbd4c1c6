// Provider choice on fake /sys/kernel/config, /sys and /dev trees.
#include <sys/stat.h>

#include "lib/core/file_io.h"
#include "lib/core/temp_dir.h"
#include "lib/snp/provider_select.h"
#include "tests/unit/test_support.h"

namespace {

using bp::snp::ProviderChoice;

struct Trees {
  bp::TempDir root;
  bp::snp::ProviderSelection selection;
};

Trees make_trees() {
  Trees t{ASSERT_OK(bp::TempDir::create("select")), {}};
  for (const char *dir : {"config", "sys", "sys/class", "sys/class/virtio-ports", "dev"}) {
    assert_int_equal(mkdir(t.root.file(dir).c_str(), 0700), 0);
  }
  t.selection.configfs_root = t.root.file("config");
  t.selection.sysfs_root = t.root.file("sys");
  t.selection.dev_root = t.root.file("dev");
  return t;
}

void add_tsm(const Trees &t) {
  assert_int_equal(mkdir(t.root.file("config/tsm").c_str(), 0700), 0);
  assert_int_equal(mkdir(t.root.file("config/tsm/report").c_str(), 0700), 0);
}

void add_sev_guest(const Trees &t) { ASSERT_OK(bp::write_file_atomic(t.root.file("dev/sev-guest"), {})); }

void add_sim_port(const Trees &t) {
  assert_int_equal(mkdir(t.root.file("sys/class/virtio-ports/vport3p1").c_str(), 0700), 0);
  ASSERT_OK(bp::write_file_atomic(t.root.file("sys/class/virtio-ports/vport3p1/name"),
                                  bp::ByteView::of_string("org.buckypaper.snp-sim.0\n")));
  ASSERT_OK(bp::write_file_atomic(t.root.file("dev/vport3p1"), {}));
}

bp::Log quiet_log() { return bp::Log("test", bp::Log::Sinks{-1, -1, bp::LogLevel::error}); }

void test_parse_choice(void **) {
  assert_int_equal(static_cast<int>(ASSERT_OK(bp::snp::parse_provider_choice("auto"))),
                   static_cast<int>(ProviderChoice::automatic));
  assert_int_equal(static_cast<int>(ASSERT_OK(bp::snp::parse_provider_choice("sev-guest"))),
                   static_cast<int>(ProviderChoice::sev_guest));
  assert_int_equal(static_cast<int>(ASSERT_OK(bp::snp::parse_provider_choice("sim"))),
                   static_cast<int>(ProviderChoice::sim));
  ASSERT_ERROR_CONTAINS(bp::snp::parse_provider_choice("sev_guest"),
                        "unknown attestation provider 'sev_guest'");
}

void test_order(void **) {
  {
    Trees t = make_trees();
    ASSERT_ERROR_CONTAINS(bp::snp::select_provider(t.selection, quiet_log()), "sim is not enabled");
    add_sim_port(t);
    ASSERT_ERROR_CONTAINS(bp::snp::select_provider(t.selection, quiet_log()), "no SNP attestation provider");
    t.selection.sim_enabled = true;
    auto p = ASSERT_OK(bp::snp::select_provider(t.selection, quiet_log()));
    assert_string_equal(p->name(), "sim");
    add_sev_guest(t);
    p = ASSERT_OK(bp::snp::select_provider(t.selection, quiet_log()));
    assert_string_equal(p->name(), "sev-guest");
    add_tsm(t);
    p = ASSERT_OK(bp::snp::select_provider(t.selection, quiet_log()));
    assert_string_equal(p->name(), "tsm");
  }
}

void test_explicit_choice(void **) {
  Trees t = make_trees();
  add_tsm(t);
  add_sim_port(t);
  t.selection.choice = ProviderChoice::sim;
  ASSERT_ERROR_CONTAINS(bp::snp::select_provider(t.selection, quiet_log()), "sim provider is not enabled");
  t.selection.sim_enabled = true;
  auto p = ASSERT_OK(bp::snp::select_provider(t.selection, quiet_log()));
  assert_string_equal(p->name(), "sim");
  t.selection.choice = ProviderChoice::sev_guest;
  ASSERT_ERROR_CONTAINS(bp::snp::select_provider(t.selection, quiet_log()), "sev-guest: No such file");
}

}  // namespace

RUN_TESTS("snp/provider_select", cmocka_unit_test(test_parse_choice), cmocka_unit_test(test_order),
          cmocka_unit_test(test_explicit_choice))
