// The inputs of `bp-measure report`: a report as the 1184 raw bytes or as
// Trustee SNP evidence JSON (told apart by content), and certificates from
// PEM or DER files, a certificate table (configfs-tsm auxblob, the
// extended-report buffer) or the evidence's cert_chain. All of it is
// untrusted: every parse is strict and fails with a message naming the file.
#pragma once

#include <string>
#include <vector>

#include "lib/core/bytes.h"
#include "lib/core/result.h"
#include "lib/snp/report.h"
#include "lib/snp/report_authenticity.h"

namespace bp::measure {

constexpr size_t kMaxReportFileSize = size_t{4} << 20;
constexpr size_t kMaxCertificateFileSize = size_t{1} << 20;

enum class ReportFormat { binary, evidence_json };

struct CertificateSet {
  std::vector<snp::EndorsementInput> certificates;
  // Entries that are not certificates (a CRL, unknown GUIDs), described.
  std::vector<std::string> other_entries;
};

struct ReportInput {
  ReportFormat format = ReportFormat::binary;
  snp::AttestationReport report;
  CertificateSet certs;  // from the evidence's cert_chain
};

// source names the input in messages (usually the file name).
Result<ReportInput> parse_report_input(ByteView bytes, const std::string &source);
Result<ReportInput> load_report_file(const std::string &path);

// PEM (one or more certificates), one DER certificate, or a certificate table.
Result<CertificateSet> parse_certificate_input(ByteView bytes, const std::string &source);
Result<CertificateSet> load_certificate_file(const std::string &path);

// Adds the certificates of a certificate table (or evidence cert_chain).
Status add_cert_table(const snp::CertTable &table, const std::string &source, CertificateSet &out);

}  // namespace bp::measure
