// `bp-measure report show|verify`: print an attestation report's fields, or
// check that it is genuine (pinned AMD chain, VCEK/VLEK binding, signature)
// and acceptable (policy).
#include <stdio.h>
#include <time.h>

#include "lib/core/format.h"
#include "lib/core/rfc3339.h"
#include "lib/json/json_builder.h"
#include "lib/json/json_write.h"
#include "lib/snp/report_authenticity.h"
#include "measure/command.h"
#include "measure/options.h"
#include "measure/report_fields_json.h"
#include "measure/report_input.h"
#include "measure/report_policy.h"

namespace bp::measure {

namespace {

const char kUsage[] =
    "usage: bp-measure report show REPORT [--certs FILE ...] [--product milan|genoa|turin]\n"
    "       bp-measure report verify REPORT [--certs FILE ...] [--product milan|genoa|turin]\n"
    "                                [--policy FILE] [--at RFC3339-TIME]\n";

const char kHelp[] =
    "\nREPORT is a 1184-byte SNP attestation report (version 2, 3 or 5) or Trustee SNP evidence JSON\n"
    "(the primary_evidence a Confidential Containers guest sends; its cert_chain is used).\n\n"
    "  --certs FILE ...   certificates: PEM (one or more), DER, or a certificate table (configfs-tsm\n"
    "                     auxblob / extended report); repeatable. End the list with -- or another option.\n"
    "  --product NAME     milan, genoa or turin; required for version 2 reports (no CPUID in them),\n"
    "                     otherwise it must agree with the report's CPUID\n"
    "  --policy FILE      JSON policy or reference values (measure/README.md); default: debug and a\n"
    "                     migration agent forbidden, nothing workload-specific checked\n"
    "  --at TIME          time for certificate validity, e.g. 2025-06-01T00:00:00Z (default: now)\n\n"
    "show prints every field as JSON. verify prints one JSON object with an entry per check (product,\n"
    "signing_key, vek, ark, ask, vek_chain, validity, vek_product, vek_tcb, vek_hwid, signature, then the\n"
    "policy's: debug, migration_agent, ...), names each failed check on stderr, and exits 0 only when\n"
    "every check passed (1 otherwise, 2 for bad usage). The ARKs of Milan, Genoa and Turin are compiled\n"
    "in; the built-in ASK/ASVK are used when none is given. Nothing is fetched from AMD's KDS: give the\n"
    "VCEK (or VLEK) with --certs unless the evidence carries it.\n";

const std::vector<OptionSpec> kSpecs = {
    {"--certs", OptionKind::multi_value}, {"--product", OptionKind::value}, {"--policy", OptionKind::value},
    {"--at", OptionKind::value},          {"-h", OptionKind::flag},         {"--help", OptionKind::flag},
};

struct Request {
  bool verify = false;
  std::string report;
  std::vector<std::string> certs;
  std::optional<snp::Product> product;
  std::optional<std::string> policy;
  std::optional<int64_t> at;
};

Result<Request> parse_request(const Arguments &args) {
  if (args.empty()) return Error("expected 'show' or 'verify'");
  Request r;
  if (args[0] == "verify") {
    r.verify = true;
  } else if (args[0] != "show") {
    return Error("unknown subcommand '" + std::string(args[0]) + "' (expected show or verify)");
  }
  ParsedOptions o = TRY(parse_options(Arguments(args.begin() + 1, args.end()), kSpecs));
  if (o.positionals.empty())
    return Error("REPORT is missing (write it before --certs, or end the list with --)");
  if (o.positionals.size() > 1) return Error("unexpected argument '" + o.positionals[1] + "'");
  r.report = o.positionals[0];
  r.certs = o.get_all("--certs");
  if (auto p = o.get("--product")) r.product = TRY_CONTEXT(snp::parse_product(*p), "argument --product");
  r.policy = o.get("--policy");
  if (auto at = o.get("--at")) r.at = TRY_CONTEXT(parse_rfc3339(*at), "argument --at");
  if (!r.verify && (r.policy || r.at)) return Error("--policy and --at are options of 'verify'");
  return r;
}

Result<CertificateSet> load_all_certificates(const Request &r, ReportInput &input) {
  CertificateSet all = std::move(input.certs);
  for (const std::string &path : r.certs) {
    CertificateSet more = TRY(load_certificate_file(path));
    for (snp::EndorsementInput &c : more.certificates) all.certificates.push_back(std::move(c));
    for (std::string &e : more.other_entries) all.other_entries.push_back(std::move(e));
  }
  return all;
}

Status print_json(const Json &value) {
  std::string text = TRY(json_compact(value));
  text += "\n";
  if (fputs(text.c_str(), stdout) < 0 || fflush(stdout) != 0)
    return Error("writing to standard output failed");
  return {};
}

Status run_show(const Request &r) {
  ReportInput input = TRY(load_report_file(r.report));
  CertificateSet certs = TRY(load_all_certificates(r, input));
  std::optional<snp::Product> product = r.product;
  if (!product && input.report.has_cpuid()) {
    product = snp::product_from_cpuid(input.report.cpuid_fam_id, input.report.cpuid_mod_id);
  }
  JsonObjectBuilder o;
  o.add_string("format", input.format == ReportFormat::binary ? "binary" : "evidence_json");
  if (product) {
    o.add_string("product", snp::product_name(*product));
  } else {
    o.add_null("product");
  }
  o.add_value("report", TRY(report_fields_json(input.report, product)));
  o.add_value("certificates", TRY(certificates_json(certs)));
  JsonArrayBuilder other;
  for (const std::string &e : certs.other_entries) other.add_string(e);
  o.add_array("other_cert_entries", std::move(other));
  return print_json(TRY(o.build()));
}

// The whole verification as a check list; an input that cannot be read or
// parsed is the single failed check "input".
snp::CheckList verify(const Request &r, int64_t now, std::optional<snp::Product> &product) {
  snp::CheckList checks;
  auto input_failed = [&](const Error &e) {
    snp::CheckList failed;
    failed.fail("input", e.message());
    return failed;
  };
  Result<ReportInput> input = load_report_file(r.report);
  if (!input.ok()) return input_failed(input.error());
  Result<CertificateSet> certs = load_all_certificates(r, input.value());
  if (!certs.ok()) return input_failed(certs.error());
  ReportPolicy policy;
  if (r.policy) {
    Result<ReportPolicy> loaded = load_report_policy(*r.policy);
    if (!loaded.ok()) return input_failed(loaded.error());
    policy = loaded.release_value();
  }
  snp::AuthenticityOptions options;
  options.product = r.product;
  options.now = now;
  options.roots = snp::amd_trusted_roots();
  const snp::AttestationReport &report = input.value().report;
  snp::Authenticity authentic = snp::check_authenticity(report, certs.value().certificates, options, checks);
  product = authentic.product;
  std::optional<snp::TcbLayout> layout;
  if (product) layout = snp::product_tcb_layout(*product);
  evaluate_report_policy(policy, report, layout, checks);
  return checks;
}

int run_verify(const Request &r) {
  int64_t now = r.at ? *r.at : static_cast<int64_t>(time(nullptr));
  std::optional<snp::Product> product;
  snp::CheckList checks = verify(r, now, product);
  JsonObjectBuilder o;
  o.add_bool("verified", checks.all_passed());
  o.add_string("report", r.report);
  if (product) {
    o.add_string("product", snp::product_name(*product));
  } else {
    o.add_null("product");
  }
  o.add_string("at", format_rfc3339(now));
  JsonArrayBuilder list;
  for (const snp::Check &c : checks.checks()) {
    JsonObjectBuilder entry;
    entry.add_string("check", c.name).add_string("result", snp::check_outcome_name(c.outcome));
    entry.add_string("detail", c.detail);
    list.add_object(std::move(entry));
    if (c.outcome == snp::CheckOutcome::fail) {
      (void)fprintf(stderr, "bp-measure report verify: FAILED %s: %s\n", c.name.c_str(), c.detail.c_str());
    }
  }
  o.add_array("checks", std::move(list));
  Result<Json> doc = o.build();
  Status printed = doc.ok() ? print_json(doc.value()) : Status(doc.error());
  if (!printed.ok()) {
    (void)fprintf(stderr, "bp-measure report verify: %s\n", printed.error().message().c_str());
    return kExitFailure;
  }
  return checks.all_passed() ? kExitOk : kExitFailure;
}

}  // namespace

int run_report_command(const Arguments &args) {
  for (std::string_view a : args) {
    if (a == "-h" || a == "--help") {
      (void)fputs((std::string(kUsage) + kHelp).c_str(), stdout);
      return kExitOk;
    }
    if (a == "--") break;
  }
  Result<Request> request = parse_request(args);
  if (!request.ok()) {
    (void)fprintf(stderr, "%sbp-measure report: error: %s\n", kUsage, request.error().message().c_str());
    return kExitUsage;
  }
  if (request.value().verify) return run_verify(request.value());
  Status shown = run_show(request.value());
  if (!shown.ok()) {
    (void)fprintf(stderr, "bp-measure report show: %s\n", shown.error().message().c_str());
    return kExitFailure;
  }
  return kExitOk;
}

}  // namespace bp::measure
