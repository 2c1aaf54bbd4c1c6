// A logon key is findable by description in the process keyring while the
// handle lives, cannot be read back from userspace, and is gone after remove().
#include <errno.h>
#include <linux/keyctl.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "lib/core/format.h"
#include "lib/core/secret_bytes.h"
#include "lib/keyring/logon_key.h"
#include "tests/unit/test_support.h"

namespace {

// Keyrings may be unavailable (CONFIG_KEYS=n, or a seccomp filter on the host).
bool keyring_available() {
  long rc = syscall(SYS_keyctl, KEYCTL_GET_KEYRING_ID, static_cast<long>(KEY_SPEC_PROCESS_KEYRING), 1L);
  if (rc < 0) {
    (void)fprintf(stderr, "SKIP: kernel keyring unavailable (keyctl: errno %d)\n", errno);
    return false;
  }
  return true;
}

std::string unique_description(const char *name) { return bp::format("bp-test:%s-%d", name, getpid()); }

void test_add_find_remove(void **) {
  if (!keyring_available()) SKIP_TEST();
  bp::SecretBytes payload = ASSERT_OK(bp::SecretBytes::copy_of(unhex("000102030405060708090a0b0c0d0e0f")));
  std::string description = unique_description("key");
  ASSERT_ERROR_CONTAINS(bp::find_logon_key(description), "keyctl search");
  bp::LogonKey key = ASSERT_OK(bp::LogonKey::add(description, payload));
  assert_true(key.serial() > 0);
  assert_int_equal(key.size(), 16);
  int32_t found = ASSERT_OK(bp::find_logon_key(description));
  assert_int_equal(found, key.serial());

  // The payload is not readable from userspace.
  uint8_t buffer[64];
  long n = syscall(SYS_keyctl, KEYCTL_READ, static_cast<long>(key.serial()), buffer, sizeof buffer, 0L);
  assert_true(n < 0);
  assert_int_equal(errno, EOPNOTSUPP);

  ASSERT_OK(key.remove());
  assert_int_equal(key.serial(), 0);
  ASSERT_ERROR_CONTAINS(bp::find_logon_key(description), "keyctl search");
  ASSERT_OK(key.remove());  // idempotent
}

void test_destructor_removes(void **) {
  if (!keyring_available()) SKIP_TEST();
  bp::SecretBytes payload = ASSERT_OK(bp::SecretBytes::copy_of(unhex("ff")));
  std::string description = unique_description("scoped");
  {
    bp::LogonKey key = ASSERT_OK(bp::LogonKey::add(description, payload));
    bp::LogonKey moved(std::move(key));
    // The moved-from handle is what is tested here.
    assert_int_equal(key.serial(), 0);  // NOLINT(bugprone-use-after-move,clang-analyzer-cplusplus.Move)
    ASSERT_OK(bp::find_logon_key(description));
  }
  ASSERT_ERROR_CONTAINS(bp::find_logon_key(description), "keyctl search");
}

void test_rejects(void **) {
  bp::SecretBytes payload = ASSERT_OK(bp::SecretBytes::copy_of(unhex("ff")));
  ASSERT_ERROR_CONTAINS(bp::LogonKey::add("nocolon", payload), "<service>:<name>");
  ASSERT_ERROR_CONTAINS(bp::LogonKey::add("bp:a b", payload), "outside");
  bp::SecretBytes empty;
  ASSERT_ERROR_CONTAINS(bp::LogonKey::add("bp:x", empty), "payload of 0 bytes");
}

}  // namespace

RUN_TESTS("logon_key", cmocka_unit_test(test_add_find_remove), cmocka_unit_test(test_destructor_removes),
          cmocka_unit_test(test_rejects))
