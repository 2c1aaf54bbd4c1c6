// IEEE 1619-2007 annex B vectors 2, 3, 4, 5 (XTS-AES-128) and 10, 11
// (XTS-AES-256), plus the bulk sector API. The multi-sector check values
// were computed independently with Python's cryptography (OpenSSL XTS).
#include <string>

#include "lib/crypto/aes_xts.h"
#include "lib/crypto/sha.h"
#include "tests/unit/test_support.h"

namespace {

// Vectors 4-14 encrypt 0x00..0xff twice.
bp::Bytes pattern512() {
  bp::Bytes out(512);
  for (size_t i = 0; i < out.size(); ++i) out[i] = static_cast<uint8_t>(i);
  return out;
}

const char kKey128[] =
    "27182818284590452353602874713526"
    "31415926535897932384626433832795";
const char kKey256[] =
    "2718281828459045235360287471352662497757247093699959574966967627"
    "3141592653589793238462643383279502884197169399375105820974944592";

const char kVector4[] =
    "27a7479befa1d476489f308cd4cfa6e2a96e4bbe3208ff25287dd3819616e89cc78cf7f5e543445f8333d8fa7f56000005279fa5"
    "d8b5e4"
    "ad40e736ddb4d35412328063fd2aab53e5ea1e0a9f332500a5df9487d07a5c92cc512c8866c7e860ce93fdf166a24912b4229761"
    "46ae20"
    "ce846bb7dc9ba94a767aaef20c0d61ad02655ea92dc4c4e41a8952c651d33174be51a10c421110e6d81588ede82103a252d8a750"
    "e8768d"
    "efffed9122810aaeb99f9172af82b604dc4b8e51bcb08235a6f4341332e4ca60482a4ba1a03b3e65008fc5da76b70bf1690db4ea"
    "e29c5f"
    "1badd03c5ccf2a55d705ddcd86d449511ceb7ec30bf12b1fa35b913f9f747a8afd1b130e94bff94effd01a91735ca1726acd0b19"
    "7c4e5b"
    "03393697e126826fb6bbde8ecc1e08298516e2c9ed03ff3c1b7860f6de76d4cecd94c8119855ef5297ca67e9f3e7ff72b1e99785"
    "ca0a7e"
    "7720c5b36dc6d72cac9574c8cbbc2f801e23e56fd344b07f22154beba0f08ce8891e643ed995c94d9a69c9f1b5f499027a78572a"
    "eebd74"
    "d20cc39881c213ee770b1010e4bea718846977ae119f7a023ab58cca0ad752afe656bb3c17256a9f6e9bf19fdd5a38fc82bbe872"
    "c5539e"
    "db609ef4f79c203ebb140f2e583cb2ad15b4aa5b655016a8449277dbd477ef2c8d6c017db738b18deb4a427d1923ce3ff2627357"
    "79a418"
    "f20a282df920147beabe421ee5319d0568";

const char kVector5[] =
    "264d3ca8512194fec312c8c9891f279fefdd608d0c027b60483a3fa811d65ee59d52d9e40ec5672d81532b38b6b089ce951f0f9c"
    "35590b"
    "8b978d175213f329bb1c2fd30f2f7f30492a61a532a79f51d36f5e31a7c9a12c286082ff7d2394d18f783e1a8e72c722caaaa52d"
    "8f0656"
    "57d2631fd25bfd8e5baad6e527d763517501c68c5edc3cdd55435c532d7125c8614deed9adaa3acade5888b87bef641c4c994c80"
    "91b5bc"
    "d387f3963fb5bc37aa922fbfe3df4e5b915e6eb514717bdd2a74079a5073f5c4bfd46adf7d282e7a393a52579d11a028da4d9cd9"
    "c77124"
    "f9648ee383b1ac763930e7162a8d37f350b2f74b8472cf09902063c6b32e8c2d9290cefbd7346d1c779a0df50edcde4531da07b0"
    "99c638"
    "e83a755944df2aef1aa31752fd323dcb710fb4bfbb9d22b925bc3577e1b8949e729a90bbafeacf7f7879e7b1147e28ba0bae940d"
    "b795a6"
    "1b15ecf4df8db07b824bb062802cc98a9545bb2aaeed77cb3fc6db15dcd7d80d7d5bc406c4970a3478ada8899b329198eb61c193"
    "fb6275"
    "aa8ca340344a75a862aebe92eee1ce032fd950b47d7704a3876923b4ad62844bf4a09c4dbe8b4397184b7471360c9564880aeddd"
    "b9baa4"
    "af2e75394b08cd32ff479c57a07d3eab5d54de5f9738b8d27f27a9f0ab11799d7b7ffefb2704c95c6ad12c39f1e867a4b7b1d781"
    "8a4b75"
    "3dfd2a89ccb45e001a03a867b187f225dd";

const char kVector10[] =
    "1c3b3a102f770386e4836c99e370cf9bea00803f5e482357a4ae12d414a3e63b5d31e276f8fe4a8d66b317f9ac683f44680a86ac"
    "35adfc"
    "3345befecb4bb188fd5776926c49a3095eb108fd1098baec70aaa66999a72a82f27d848b21d4a741b0c5cd4d5fff9dac89aeba12"
    "2961d0"
    "3a757123e9870f8acf1000020887891429ca2a3e7a7d7df7b10355165c8b9a6d0a7de8b062c4500dc4cd120c0f7418dae3d0b578"
    "1c3480"
    "3fa75421c790dfe1de1834f280d7667b327f6c8cd7557e12ac3a0f93ec05c52e0493ef31a12d3d9260f79a289d6a379bc70c5084"
    "1473d1"
    "a8cc81ec583e9645e07b8d9670655ba5bbcfecc6dc3966380ad8fecb17b6ba02469a020a84e18e8f84252070c13e9f1f289be54f"
    "bc4814"
    "57778f616015e1327a02b140f1505eb309326d68378f8374595c849d84f4c333ec4423885143cb47bd71c5edae9be69a2ffeceb1"
    "bec9de"
    "244fbe15992b11b77c040f12bd8f6a975a44a0f90c29a9abc3d4d893927284c58754cce294529f8614dcd2aba991925fedc4ae74"
    "ffac6e"
    "333b93eb4aff0479da9a410e4450e0dd7ae4c6e2910900575da401fc07059f645e8b7e9bfdef33943054ff84011493c27b3429ea"
    "edb4ed"
    "5376441a77ed43851ad77f16f541dfd269d50d6a5f14fb0aab1cbb4c1550be97f7ab4066193c4caa773dad38014bd2092fa755c8"
    "24bb5e"
    "54c4f36ffda9fcea70b9c6e693e148c151";

const char kVector11[] =
    "77a31251618a15e6b92d1d66dffe7b50b50bad552305ba0217a610688eff7e11e1d0225438e093242d6db274fde801d4cae06f20"
    "92c728"
    "b2478559df58e837c2469ee4a4fa794e4bbc7f39bc026e3cb72c33b0888f25b4acf56a2a9804f1ce6d3d6e1dc6ca181d4b546179"
    "d55544"
    "aa7760c40d06741539c7e3cd9d2f6650b2013fd0eeb8c2b8e3d8d240ccae2d4c98320a7442e1c8d75a42d6e6cfa4c2eca1798d15"
    "8c7aec"
    "df82490f24bb9b38e108bcda12c3faf9a21141c3613b58367f922aaa26cd22f23d708dae699ad7cb40a8ad0b6e2784973dcb6056"
    "84c08b"
    "8d6998c69aac049921871ebb65301a4619ca80ecb485a31d744223ce8ddc2394828d6a80470c092f5ba413c3378fa6054255c6f9"
    "df4495"
    "862bbb3287681f931b687c888abf844dfc8fc28331e579928cd12bd2390ae123cf03818d14dedde5c0c24c8ab018bfca75ca096f"
    "2d531f"
    "3d1619e785f1ada437cab92e980558b3dce1474afb75bfedbf8ff54cb2618e0244c9ac0d3c66fb51598cd2db11f9be39791abe44"
    "7c6309"
    "4f7c453b7ff87cb5bb36b7c79efb0872d17058b83b15ab0866ad8a58656c5a7e20dbdf308b2461d97c0ec0024a2715055249cf3b"
    "478ddd"
    "4740de654f75ca686e0d7345c69ed50cdc2a8b332b1f8824108ac937eb050585608ee734097fc09054fbff89eeaeea791f4a7ab1"
    "f98682"
    "94a4f9e27b42af8100cb9d59cef9645803";

// Encrypts with encrypt_unit, checks the ciphertext, decrypts it back.
void check_vector(const char *key_hex, uint64_t unit, const bp::Bytes &plain, const char *cipher_hex) {
  bp::SecretBytes key = ASSERT_OK(bp::SecretBytes::copy_of(unhex(key_hex)));
  bp::AesXts xts = ASSERT_OK(bp::AesXts::create(key.view()));
  bp::Bytes out(plain.size());
  ASSERT_OK(xts.encrypt_unit(unit, plain.data(), out.data(), out.size()));
  ASSERT_BYTES_EQUAL(out, cipher_hex);
  bp::Bytes back(out.size());
  ASSERT_OK(xts.decrypt_unit(unit, out.data(), back.data(), back.size()));
  assert_true(back == plain);
}

void test_ieee1619_aes128(void **) {
  // Vector 2 and 3: 32-byte data units numbered 0x3333333333.
  check_vector(
      "11111111111111111111111111111111"
      "22222222222222222222222222222222",
      0x3333333333, bp::Bytes(32, 0x44), "c454185e6a16936e39334038acef838bfb186fff7480adc4289382ecd6d394f0");
  check_vector(
      "fffefdfcfbfaf9f8f7f6f5f4f3f2f1f0"
      "22222222222222222222222222222222",
      0x3333333333, bp::Bytes(32, 0x44), "af85336b597afc1a900b2eb21ec949d292df4c047e0b21532186a5971a227a89");
  // Vector 4: 512-byte unit 0; vector 5 encrypts vector 4's output as unit 1.
  check_vector(kKey128, 0, pattern512(), kVector4);
  check_vector(kKey128, 1, unhex(kVector4), kVector5);
}

void test_ieee1619_aes256(void **) {
  check_vector(kKey256, 0xff, pattern512(), kVector10);
  check_vector(kKey256, 0xffff, pattern512(), kVector11);
}

void test_in_place(void **) {
  bp::AesXts xts = ASSERT_OK(bp::AesXts::create(unhex(kKey256)));
  bp::Bytes data = pattern512();
  ASSERT_OK(xts.encrypt_unit(0xff, data.data(), data.data(), data.size()));
  ASSERT_BYTES_EQUAL(data, kVector10);
  ASSERT_OK(xts.decrypt_sectors(0xff, 512, data.data(), data.data(), data.size()));
  assert_true(data == pattern512());
}

bp::Bytes test_buffer(size_t size) {
  bp::Bytes out(size);
  for (size_t i = 0; i < size; ++i) out[i] = static_cast<uint8_t>(i * 7 + 3);
  return out;
}

// Bulk 4096-byte sectors 7 and 8; and 16 512-byte sectors ending at the
// largest sector number.
void test_bulk_sectors(void **) {
  bp::AesXts xts256 = ASSERT_OK(bp::AesXts::create(unhex(kKey256)));
  bp::Bytes plain = test_buffer(8192);
  bp::Bytes out(plain.size());
  ASSERT_OK(xts256.encrypt_sectors(7, 4096, plain.data(), out.data(), out.size()));
  ASSERT_BYTES_EQUAL(bp::view(bp::sha256(out)),
                     "f03fdfc27e55138d6ef2be4a79a10e018056239a9a337945a8fbe46bd8d8d573");
  // The same as unit by unit.
  bp::Bytes second(4096);
  ASSERT_OK(xts256.encrypt_unit(8, plain.data() + 4096, second.data(), second.size()));
  assert_true(bp::ByteView(out).subview(4096) == bp::ByteView(second));
  bp::Bytes back(out.size());
  ASSERT_OK(xts256.decrypt_sectors(7, 4096, out.data(), back.data(), back.size()));
  assert_true(back == plain);

  bp::AesXts xts128 = ASSERT_OK(bp::AesXts::create(unhex(kKey128)));
  ASSERT_OK(xts128.encrypt_sectors(UINT64_MAX - 15, 512, plain.data(), out.data(), out.size()));
  ASSERT_BYTES_EQUAL(bp::view(bp::sha256(out)),
                     "c574510e07c76b00c1ec5517777936883e4ee8f1b13c97b992a7aa8ecbaafce4");
  ASSERT_ERROR_CONTAINS(xts128.encrypt_sectors(UINT64_MAX - 14, 512, plain.data(), out.data(), out.size()),
                        "sector numbers overflow");
  // Zero bytes is zero sectors.
  ASSERT_OK(xts128.encrypt_sectors(UINT64_MAX, 512, plain.data(), out.data(), 0));
}

void test_rejects_bad_input(void **) {
  // IEEE 1619 vector 1 uses Key1 == Key2 == 0: refused on purpose.
  ASSERT_ERROR_CONTAINS(bp::AesXts::create(bp::Bytes(32, 0)), "data key and tweak key are equal");
  ASSERT_ERROR_CONTAINS(bp::AesXts::create(bp::Bytes(48, 1)),
                        "key has 48 bytes, expected 32 (AES-128) or 64");
  ASSERT_ERROR_CONTAINS(bp::AesXts::create(bp::Bytes(16, 1)), "key has 16 bytes");
  ASSERT_ERROR_CONTAINS(bp::AesXts::create({}), "key has 0 bytes");

  bp::AesXts xts = ASSERT_OK(bp::AesXts::create(unhex(kKey256)));
  bp::Bytes buffer(8192);
  ASSERT_ERROR_CONTAINS(xts.encrypt_unit(0, buffer.data(), buffer.data(), 15), "data unit of 15 bytes");
  ASSERT_ERROR_CONTAINS(xts.encrypt_unit(0, buffer.data(), buffer.data(), 100), "data unit of 100 bytes");
  ASSERT_ERROR_CONTAINS(xts.decrypt_unit(0, buffer.data(), buffer.data(), 0), "data unit of 0 bytes");
  ASSERT_ERROR_CONTAINS(xts.encrypt_sectors(0, 256, buffer.data(), buffer.data(), 512), "sector size 256");
  ASSERT_ERROR_CONTAINS(xts.encrypt_sectors(0, 8192, buffer.data(), buffer.data(), 8192), "sector size 8192");
  ASSERT_ERROR_CONTAINS(xts.decrypt_sectors(0, 4096, buffer.data(), buffer.data(), 4096 + 512),
                        "not a whole number of 4096-byte sectors");

  bp::AesXts moved = std::move(xts);
  ASSERT_OK(moved.encrypt_sectors(0, 4096, buffer.data(), buffer.data(), 4096));
  // NOLINTNEXTLINE: testing the moved-from state
  ASSERT_ERROR_CONTAINS(xts.encrypt_sectors(0, 4096, buffer.data(), buffer.data(), 4096), "moved from");
}

}  // namespace

RUN_TESTS("crypto/aes_xts", cmocka_unit_test(test_ieee1619_aes128), cmocka_unit_test(test_ieee1619_aes256),
          cmocka_unit_test(test_in_place), cmocka_unit_test(test_bulk_sectors),
          cmocka_unit_test(test_rejects_bad_input))
