#include "lib/snp/sim_protocol.h"

#include <string.h>

#include "lib/core/byte_reader.h"
#include "lib/core/byte_writer.h"
#include "lib/core/format.h"
#include "lib/snp/report.h"

namespace bp::snp {

namespace {

Status check_magic_version(ByteReader &reader, const char *what) {
  uint32_t magic = TRY(reader.u32_le("magic"));
  if (magic != kSimMagic) return Error(format("%s: magic 0x%08x, expected 0x%08x", what, magic, kSimMagic));
  uint32_t version = TRY(reader.u32_le("version"));
  if (version != kSimVersion) return Error(format("%s: version %u, expected %u", what, version, kSimVersion));
  return {};
}

}  // namespace

Bytes encode_sim_request(const SimRequest &request) {
  ByteWriter w;
  w.u32_le(kSimMagic);
  w.u32_le(kSimVersion);
  w.u32_le(request.request_id);
  w.u32_le(request.vmpl);
  w.bytes(ByteView(request.report_data.data(), request.report_data.size()));
  return w.release();
}

Result<SimRequest> parse_sim_request(ByteView bytes) {
  if (bytes.size() != kSimRequestSize) {
    return Error(format("simulator request: %zu bytes, expected %zu", bytes.size(), kSimRequestSize));
  }
  ByteReader reader(bytes);
  TRY(check_magic_version(reader, "simulator request"));
  SimRequest r;
  r.request_id = TRY(reader.u32_le("request_id"));
  r.vmpl = TRY(reader.u32_le("vmpl"));
  ByteView data = TRY(reader.bytes(64, "report_data"));
  memcpy(r.report_data.data(), data.data(), 64);
  return r;
}

Result<SimResponseHeader> parse_sim_response_header(ByteView bytes) {
  if (bytes.size() != kSimResponseHeaderSize) {
    return Error(
        format("simulator response header: %zu bytes, expected %zu", bytes.size(), kSimResponseHeaderSize));
  }
  ByteReader reader(bytes);
  TRY(check_magic_version(reader, "simulator response"));
  SimResponseHeader h;
  h.request_id = TRY(reader.u32_le("request_id"));
  h.status = TRY(reader.u32_le("status"));
  h.report_len = TRY(reader.u32_le("report_len"));
  h.certs_len = TRY(reader.u32_le("certs_len"));
  if (h.status == 0 ? h.report_len != kReportSize : h.report_len > kReportSize) {
    return Error(format("simulator response: report_len %u, expected %s%zu", h.report_len,
                        h.status == 0 ? "" : "at most ", kReportSize));
  }
  if (h.certs_len > kSimMaxCertsLen) {
    return Error(
        format("simulator response: certs_len %u, more than the limit of %zu", h.certs_len, kSimMaxCertsLen));
  }
  return h;
}

Bytes encode_sim_response(const SimResponseHeader &header, ByteView report, ByteView certs) {
  ByteWriter w;
  w.u32_le(kSimMagic);
  w.u32_le(kSimVersion);
  w.u32_le(header.request_id);
  w.u32_le(header.status);
  w.u32_le(header.report_len);
  w.u32_le(header.certs_len);
  w.bytes(report);
  w.bytes(certs);
  return w.release();
}

}  // namespace bp::snp
