// SPDX-License-Identifier: MPL-2.0
#include "web/api/symbolicate.h"

#include <memory>
#include <string>
#include <utility>

#include <nlohmann/json.hpp>

#include "app/base/strings.h"
#include "app/symbolicate/symbolicate.h"
#include "web/api/search_gate.h"

namespace crashbox::web {
namespace {

using nlohmann::json;

void Title(Response& resp, int status, std::string_view message) {
  resp.Json(status, json{{"title", base::Utf8Lossy(message)}}.dump());
}

void Cors(Response& resp) {
  resp.headers.emplace_back("Access-Control-Allow-Origin", "*");
}

using Symbolicator =
    Result<std::string> (*)(std::string_view, symbols::SymbolSupplier&,
                            const symbolicate::SymbolicateOptions&);

Handler Make(symbols::SymbolSupplier& supplier, Access& access,
             std::shared_ptr<SearchGate> gate, Symbolicator run) {
  return [&supplier, &access, gate, run](Request& req, Response& resp) {
    Cors(resp);
    if (!access.Identify(req, resp)) return;
    if (!req.body_error.ok())
      return Title(resp, 413, "Payload Too Large: 16 MiB at most");
    if (!gate->Enter(req.remote_addr)) {
      resp.headers.emplace_back("Retry-After", "1");
      return Title(resp, 429, "Too many symbolication requests at once");
    }
    struct Leave {
      SearchGate& g;
      const std::string& a;
      ~Leave() { g.Leave(a); }
    } leave{*gate, req.remote_addr};
    std::string body;
    body.reserve(req.body.size());
    while (true) {
      Result<std::string_view> piece = req.read_body_piece();
      if (!piece.ok())
        return Title(resp, 413, "Payload Too Large: 16 MiB at most");
      if (piece->empty()) break;
      body.append(*piece);
    }
    Result<std::string> answer = run(body, supplier, {});
    if (!answer.ok()) {
      return Title(
          resp,
          answer.status().code() == Status::Code::kInvalidArgument ? 400 : 413,
          answer.status().message());
    }
    resp.Json(200, std::move(answer.value()));
  };
}

}  // namespace

SymbolicateHandlers MakeSymbolicateHandlers(symbols::SymbolSupplier& supplier,
                                            Access& access,
                                            size_t max_concurrent) {
  auto gate = std::make_shared<SearchGate>(max_concurrent, 2);
  SymbolicateHandlers h;
  h.v5 = Make(supplier, access, gate, &symbolicate::SymbolicateV5);
  h.v4 = Make(supplier, access, gate, &symbolicate::SymbolicateV4);
  h.preflight = [](Request&, Response& resp) {
    Cors(resp);
    resp.headers.emplace_back("Access-Control-Allow-Methods", "POST, OPTIONS");
    resp.headers.emplace_back("Access-Control-Allow-Headers",
                              "Content-Type, Debug");
    resp.headers.emplace_back("Access-Control-Max-Age", "86400");
    resp.status = 204;
    resp.body.clear();
  };
  return h;
}

}  // namespace crashbox::web
