#include "measure/report_input.h"

#include "lib/core/file_io.h"
#include "lib/core/format.h"
#include "lib/crypto/pem.h"
#include "lib/json/json_parse.h"
#include "lib/snp/cert_table.h"
#include "lib/snp/evidence_json.h"

namespace bp::measure {

namespace {

constexpr size_t kMaxJsonDepth = 16;

bool looks_like_json(ByteView bytes) {
  for (uint8_t b : bytes) {
    if (b == ' ' || b == '\t' || b == '\r' || b == '\n') continue;
    return b == '{';
  }
  return false;
}

bool contains(ByteView bytes, std::string_view needle) {
  return bytes.as_string_view().find(needle) != std::string_view::npos;
}

}  // namespace

Status add_cert_table(const snp::CertTable &table, const std::string &source, CertificateSet &out) {
  for (const snp::CertTableEntry &e : table.entries) {
    snp::CertKind kind = e.kind();
    std::string where = format("%s entry %s", source.c_str(), snp::cert_kind_name(kind));
    if (kind == snp::CertKind::crl || kind == snp::CertKind::other) {
      out.other_entries.push_back(
          format("%s (%s, %zu bytes): not used", where.c_str(), e.guid.to_string().c_str(), e.data.size()));
      continue;
    }
    Certificate cert = TRY_CONTEXT(Certificate::parse_der(e.data), where);
    out.certificates.push_back({where, kind, std::move(cert)});
  }
  return {};
}

Result<ReportInput> parse_report_input(ByteView bytes, const std::string &source) {
  ReportInput input;
  if (looks_like_json(bytes)) {
    input.format = ReportFormat::evidence_json;
    Json doc = TRY_CONTEXT(parse_json(bytes.as_string_view(), kMaxReportFileSize, kMaxJsonDepth),
                           source + ": SNP evidence JSON");
    snp::SnpEvidence evidence =
        TRY_CONTEXT(snp::parse_snp_evidence_json(doc), source + ": SNP evidence JSON");
    input.report = evidence.report;
    TRY(add_cert_table(evidence.certs, source + ": cert_chain", input.certs));
    return input;
  }
  input.format = ReportFormat::binary;
  if (bytes.size() != snp::kReportSize) {
    return Error(format("%s: %zu bytes: neither an attestation report (%zu bytes) nor SNP evidence JSON",
                        source.c_str(), bytes.size(), snp::kReportSize));
  }
  input.report = TRY_CONTEXT(snp::parse_report(bytes), source);
  return input;
}

Result<ReportInput> load_report_file(const std::string &path) {
  Bytes bytes = TRY(read_file(path, kMaxReportFileSize));
  return parse_report_input(bytes, path);
}

Result<CertificateSet> parse_certificate_input(ByteView bytes, const std::string &source) {
  CertificateSet out;
  if (bytes.empty()) return Error(source + ": empty file");
  if (contains(bytes, "-----BEGIN")) {
    std::vector<Bytes> ders = TRY_CONTEXT(pem_decode_certificates(bytes.as_string_view()), source);
    for (size_t i = 0; i < ders.size(); ++i) {
      std::string where = format("%s #%zu", source.c_str(), i + 1);
      Certificate cert = TRY_CONTEXT(Certificate::parse_der(ders[i]), where);
      out.certificates.push_back({where, std::nullopt, std::move(cert)});
    }
    return out;
  }
  // A DER certificate is a SEQUENCE; a certificate table starts with a GUID
  // (none of the known ones starts with 0x30).
  if (bytes[0] == 0x30) {
    Certificate cert = TRY_CONTEXT(Certificate::parse_der(bytes), source);
    out.certificates.push_back({source, std::nullopt, std::move(cert)});
    return out;
  }
  snp::CertTable table = TRY_CONTEXT(snp::parse_cert_table(bytes), source);
  if (table.empty()) return Error(source + ": the certificate table is empty");
  TRY(add_cert_table(table, source, out));
  return out;
}

Result<CertificateSet> load_certificate_file(const std::string &path) {
  Bytes bytes = TRY(read_file(path, kMaxCertificateFileSize));
  return parse_certificate_input(bytes, path);
}

}  // namespace bp::measure
