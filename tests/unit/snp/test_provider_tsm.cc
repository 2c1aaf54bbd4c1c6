// configfs-tsm on a fake entry directory: regular files stand in for the
// attributes and a FIFO for the generation counter, so the test decides what
// each read of "generation" returns (and can play a concurrent writer).
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include <thread>
#include <vector>

#include "lib/core/clock.h"
#include "lib/core/file_io.h"
#include "lib/core/format.h"
#include "lib/core/temp_dir.h"
#include "lib/snp/provider_tsm.h"
#include "tests/unit/snp/fake_report.h"
#include "tests/unit/test_support.h"

namespace {

using namespace bp::snp::testing;

// Serves one value per open of the FIFO, in order, waiting for the reader to
// close before the next value (inotify), so every read sees exactly one
// value. Gives up after 5 s without a reader, so a test that reads less often
// does not hang.
class GenerationServer {
 public:
  GenerationServer(const std::string &path, const std::vector<unsigned> &values)
      : thread_([path, values] {
          int watch = inotify_init1(IN_CLOEXEC);
          if (watch < 0 || inotify_add_watch(watch, path.c_str(), IN_CLOSE_NOWRITE) < 0) return;
          for (unsigned v : values) {
            int fd = -1;
            uint64_t until = bp::monotonic_ms() + 5000;
            while ((fd = open(path.c_str(), O_WRONLY | O_NONBLOCK)) < 0 && errno == ENXIO &&
                   bp::monotonic_ms() < until) {
              usleep(1000);
            }
            if (fd < 0) break;
            std::string text = bp::format("%u\n", v);
            (void)!write(fd, text.data(), text.size());
            close(fd);
            struct pollfd p = {watch, POLLIN, 0};
            if (poll(&p, 1, 5000) != 1) break;
            char events[4096];
            (void)!read(watch, events, sizeof events);
          }
          close(watch);
        }) {}
  ~GenerationServer() { thread_.join(); }

 private:
  std::thread thread_;
};

struct FakeEntry {
  bp::TempDir dir;
  std::string path() const { return dir.path(); }
};

FakeEntry make_entry(bp::ByteView outblob, bp::ByteView auxblob, bool privlevel = true,
                     const char *provider = "sev_guest\n") {
  FakeEntry e{ASSERT_OK(bp::TempDir::create("tsm"))};
  ASSERT_OK(bp::write_file_atomic(e.dir.file("provider"), bp::ByteView::of_string(provider)));
  ASSERT_OK(bp::write_file_atomic(e.dir.file("inblob"), bp::ByteView()));
  ASSERT_OK(bp::write_file_atomic(e.dir.file("outblob"), outblob));
  ASSERT_OK(bp::write_file_atomic(e.dir.file("auxblob"), auxblob));
  if (privlevel) {
    ASSERT_OK(bp::write_file_atomic(e.dir.file("privlevel"), bp::ByteView()));
    ASSERT_OK(bp::write_file_atomic(e.dir.file("privlevel_floor"), bp::ByteView::of_string("0\n")));
  }
  assert_int_equal(mkfifo(e.dir.file("generation").c_str(), 0600), 0);
  return e;
}

void test_exchange_writes_and_reads(void **) {
  alarm(60);  // a FIFO read without a server would block: fail loudly instead
  bp::Bytes data = report_data_pattern(7);
  bp::Bytes report = fake_report(data, 0);
  bp::Bytes certs = fake_cert_table();
  FakeEntry e = make_entry(report, certs);
  {
    GenerationServer gen(e.dir.file("generation"), {0, 2, 2});  // privlevel + inblob = 2 writes
    bp::snp::TsmBlobs blobs = ASSERT_OK(bp::snp::tsm_exchange(e.path(), data, 0));
    assert_true(blobs.outblob == report);
    assert_true(blobs.auxblob == certs);
  }
  bp::Bytes inblob = ASSERT_OK(bp::read_file(e.dir.file("inblob"), 100));
  assert_true(inblob == data);
  std::string privlevel = ASSERT_OK(bp::read_text_file(e.dir.file("privlevel"), 100));
  assert_string_equal(privlevel.c_str(), "0\n");
}

void test_exchange_without_privlevel_or_auxblob(void **) {
  bp::Bytes data = report_data_pattern(1);
  FakeEntry e = make_entry(fake_report(data, 0), bp::ByteView(), false);
  assert_int_equal(unlink(e.dir.file("auxblob").c_str()), 0);
  {
    GenerationServer gen(e.dir.file("generation"), {5, 6, 6});  // inblob only
    bp::snp::TsmBlobs blobs = ASSERT_OK(bp::snp::tsm_exchange(e.path(), data, 0));
    assert_int_equal(blobs.outblob.size(), bp::snp::kReportSize);
    assert_true(blobs.auxblob.empty());
  }
  {
    // Without privlevel, only VMPL 0 can be asked for; nothing is read.
    ASSERT_ERROR_CONTAINS(bp::snp::tsm_exchange(e.path(), data, 2), "cannot request VMPL 2");
  }
}

void test_exchange_detects_other_writers(void **) {
  bp::Bytes data = report_data_pattern(3);
  FakeEntry e = make_entry(fake_report(data, 0), bp::ByteView());
  {
    GenerationServer gen(e.dir.file("generation"), {0, 3});  // one write too many
    ASSERT_ERROR_CONTAINS(bp::snp::tsm_exchange(e.path(), data, 0),
                          "generation went from 0 to 3 over our 2 writes: another writer");
  }
  {
    GenerationServer gen(e.dir.file("generation"), {0, 2, 3});  // a write while we read
    ASSERT_ERROR_CONTAINS(bp::snp::tsm_exchange(e.path(), data, 0),
                          "generation changed from 2 to 3 while reading: another writer");
  }
}

void test_exchange_rejects_bad_setups(void **) {
  bp::Bytes data = report_data_pattern(3);
  {
    FakeEntry e = make_entry(fake_report(data, 0), bp::ByteView(), true, "tdx_guest\n");
    ASSERT_ERROR_CONTAINS(bp::snp::tsm_exchange(e.path(), data, 0), "provider is 'tdx_guest'");
  }
  {
    FakeEntry e = make_entry(fake_report(data, 0), bp::ByteView());
    ASSERT_OK(bp::write_file_atomic(e.dir.file("privlevel_floor"), bp::ByteView::of_string("2\n")));
    ASSERT_ERROR_CONTAINS(bp::snp::tsm_exchange(e.path(), data, 1),
                          "VMPL 1 is below the kernel's privlevel_floor 2");
  }
  {
    FakeEntry e = make_entry(fake_report(data, 0), bp::ByteView());
    ASSERT_ERROR_CONTAINS(bp::snp::tsm_exchange(e.path(), bp::ByteView(data.data(), 63), 0),
                          "report_data is 63 bytes, expected 64");
    ASSERT_ERROR_CONTAINS(bp::snp::tsm_exchange(e.path(), data, 4), "VMPL 4 is out of range");
  }
  {
    FakeEntry e = make_entry(fake_report(data, 0), bp::ByteView());
    assert_int_equal(unlink(e.dir.file("generation").c_str()), 0);
    ASSERT_OK(bp::write_file_atomic(e.dir.file("generation"), bp::ByteView::of_string("x1\n")));
    ASSERT_ERROR_CONTAINS(bp::snp::tsm_exchange(e.path(), data, 0), "generation");
  }
}

void test_provider_on_fake_configfs(void **) {
  // configfs populates a new entry; a plain directory stays empty, so the
  // provider fails at the first attribute and must remove its entry anyway.
  bp::TempDir root = ASSERT_OK(bp::TempDir::create("configfs"));
  assert_false(bp::snp::TsmProvider::usable(root.path()));
  ASSERT_OK(bp::write_file_atomic(root.file("tsm"), bp::ByteView()));
  assert_int_equal(unlink(root.file("tsm").c_str()), 0);
  assert_int_equal(mkdir(root.file("tsm").c_str(), 0700), 0);
  assert_int_equal(mkdir(root.file("tsm/report").c_str(), 0700), 0);
  assert_true(bp::snp::TsmProvider::usable(root.path()));
  bp::snp::TsmProvider provider(root.path());
  assert_string_equal(provider.name(), "tsm");
  bp::Bytes data = report_data_pattern(9);
  ASSERT_ERROR_CONTAINS(provider.get_report(data, 0), "provider: No such file or directory");
  assert_int_equal(rmdir(root.file("tsm/report").c_str()), 0);  // empty again: the entry was removed
  ASSERT_ERROR_CONTAINS(provider.get_report(data, 0), "mkdir");
}

}  // namespace

RUN_TESTS("snp/provider_tsm", cmocka_unit_test(test_exchange_writes_and_reads),
          cmocka_unit_test(test_exchange_without_privlevel_or_auxblob),
          cmocka_unit_test(test_exchange_detects_other_writers),
          cmocka_unit_test(test_exchange_rejects_bad_setups),
          cmocka_unit_test(test_provider_on_fake_configfs))
