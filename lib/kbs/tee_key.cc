#include "lib/kbs/tee_key.h"

#include "lib/core/encoding.h"
#include "lib/json/json_builder.h"

namespace bp::kbs {

Result<TeeKey> TeeKey::generate(Random &random) {
  return TeeKey(TRY(EcPrivateKey::generate(EcCurve::p256, random)));
}

Result<Json> TeeKey::public_jwk() const {
  const EcPublicKey &pub = key_.public_key();
  JsonObjectBuilder jwk;
  jwk.add_string("kty", "EC")
      .add_string("crv", ec_curve_name(pub.curve()))
      .add_string("alg", kTeeKeyAlgorithm);
  jwk.add_string("x", base64url_encode(pub.x())).add_string("y", base64url_encode(pub.y()));
  return jwk.build();
}

}  // namespace bp::kbs
