#include "lib/kbs/runtime_data.h"

#include <string.h>

#include "lib/crypto/sha.h"
#include "lib/json/json_builder.h"
#include "lib/json/json_write.h"

namespace bp::kbs {

Result<Json> runtime_data_json(const std::string &nonce, const Json &tee_pubkey) {
  JsonObjectBuilder o;
  o.add_string("nonce", nonce).add_value("tee-pubkey", tee_pubkey);
  return o.build();
}

Result<std::string> report_data_preimage(const std::string &nonce, const Json &tee_pubkey) {
  // Member order is irrelevant here: JCS sorts the keys.
  JsonObjectBuilder runtime;
  runtime.add_value("tee-pubkey", tee_pubkey)
      .add_string("nonce", nonce)
      .add_string("additional-evidence", "");
  Json value = TRY(runtime.build());
  return json_canonical(value);
}

Result<ReportData> report_data_for(const std::string &nonce, const Json &tee_pubkey) {
  std::string preimage = TRY(report_data_preimage(nonce, tee_pubkey));
  Sha384Digest digest = sha384(ByteView::of_string(preimage));
  ReportData out{};
  memcpy(out.data(), digest.data(), digest.size());
  return out;
}

}  // namespace bp::kbs
