#include "lib/snp/product.h"

#include "lib/core/strings.h"

namespace bp::snp {

const char *product_name(Product product) {
  switch (product) {
    case Product::milan:
      return "Milan";
    case Product::genoa:
      return "Genoa";
    case Product::turin:
      return "Turin";
  }
  return "unknown";
}

Result<Product> parse_product(std::string_view name) {
  std::string lower = to_lower(name);
  for (Product p : {Product::milan, Product::genoa, Product::turin}) {
    if (lower == to_lower(product_name(p))) return p;
  }
  return Error("product '" + std::string(name) + "': expected milan, genoa or turin");
}

std::optional<Product> product_from_cpuid(uint8_t family, uint8_t model) {
  if (family == 0x19) {
    if (model <= 0x0f) return Product::milan;
    if ((model >= 0x10 && model <= 0x1f) || (model >= 0xa0 && model <= 0xaf)) return Product::genoa;
  } else if (family == 0x1a) {
    if (model <= 0x11) return Product::turin;
  }
  return std::nullopt;
}

TcbLayout product_tcb_layout(Product product) {
  return product == Product::turin ? TcbLayout::turin : TcbLayout::milan_genoa;
}

}  // namespace bp::snp
