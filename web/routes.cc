// SPDX-License-Identifier: MPL-2.0
#include "web/routes.h"

#include <algorithm>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "web/api/account.h"
#include "web/api/admin.h"
#include "web/api/crash_api.h"
#include "web/api/crashes.h"
#include "web/api/health.h"
#include "web/api/search.h"
#include "web/api/symbolicate.h"
#include "web/api/symbols.h"
#include "web/submit/submit_handler.h"
#include "web/ui/pages.h"

namespace crashbox::web {
namespace {

// Socorro's rules for every /api/ answer: CORS open to any origin, and
// `?pretty=print` indents the JSON.
Handler Api(Handler h) {
  return [h = std::move(h)](Request& req, Response& resp) {
    h(req, resp);
    bool cors = std::any_of(resp.headers.begin(), resp.headers.end(),
                            [](const auto& kv) {
                              return kv.first == "Access-Control-Allow-Origin";
                            });
    if (!cors) resp.headers.emplace_back("Access-Control-Allow-Origin", "*");
    if (resp.content_type == "application/json" &&
        req.QueryParam("pretty") == "print") {
      nlohmann::json j = nlohmann::json::parse(resp.body, nullptr, false);
      if (!j.is_discarded())
        resp.body =
            j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace);
    }
  };
}

// Registers `h` under /api/<name>/ and /api/<name> for `methods`.
void AddApi(Router& r, std::string_view name,
            std::initializer_list<std::string_view> methods, const Handler& h,
            RouteOptions o = {}) {
  Handler wrapped = Api(h);
  for (std::string_view m : methods) {
    for (const char* tail : {"/", ""}) {
      r.Add(std::string(m), fmt::format("/api/{}{}", name, tail), wrapped, o);
    }
  }
}

}  // namespace

void RegisterRoutes(Router& r, const Services& s) {
  // Health checks have their own workers: a load balancer must hear from a
  // node whose ordinary workers are all busy.
  const RouteOptions health{.priority = true};
  if (s.collector) {
    r.Post("/submit", MakeSubmitHandler(*s.collector, *s.metrics),
           {.max_body_bytes = s.collector->options().max_body_bytes});
  }
  r.Get("/__heartbeat__", MakeHeartbeatHandler(*s.crashes, *s.metrics), health);
  r.Get("/__lbheartbeat__", MakeLbHeartbeatHandler(*s.metrics), health);
  r.Get("/__version__", MakeVersionHandler(s.version_json, *s.metrics), health);
  r.Get("/metrics", MakeMetricsHandler(*s.crashes, *s.metrics), health);
  Access& access = *s.access;
  const AccountHandlers account = MakeAccountHandlers(access);
  r.Get("/", account.home);
  r.Get("/login", account.login_page);
  r.Post("/login", account.login);
  r.Post("/logout", account.logout);
  r.Get("/setup", account.setup_page);
  r.Post("/setup", account.setup);
  AddApi(r, "Session", {"GET"}, account.session);
  AddApi(r, "Tokens", {"GET"}, account.tokens_list);
  AddApi(r, "Tokens", {"POST"}, account.tokens_create);
  AddApi(r, "Tokens", {"DELETE"}, account.tokens_revoke);
  r.Get("/api/tokens/", account.tokens_page);
  r.Get("/api/",
        MakeAssetHandler("html/apidocs.html", "text/html; charset=utf-8"));
  r.Get("/profile/",
        MakeAssetHandler("html/profile.html", "text/html; charset=utf-8"));
  AddApi(r, "RawCrash", {"GET"}, MakeRawCrashHandler(*s.crashes, access));
  AddApi(r, "ProcessedCrash", {"GET"},
         MakeProcessedCrashHandler(*s.crashes, access));
  AddApi(r, "Reprocessing", {"POST"},
         MakeReprocessingHandler(*s.crashes, access));
  AddApi(r, "SuperSearchFields", {"GET"}, MakeSuperSearchFieldsHandler());
  if (s.search) {
    SuperSearchHandlers search = MakeSuperSearchHandlers(*s.search, access);
    AddApi(r, "SuperSearch", {"GET"}, search.search);
    AddApi(r, "SuperSearchUnredacted", {"GET"}, search.unredacted);
    AddApi(r, "ProductDetails", {"GET"},
           MakeProductDetailsHandler(*s.search->products));
    r.Get("/home/product/*", MakeProductHomeHandler(*s.search));
  }
  const CrashApiHandlers api = MakeCrashApiHandlers(
      {s.crashes, s.search ? s.search->index : nullptr, s.signatures, s.bugs},
      access);
  AddApi(r, "SignatureFirstDate", {"GET"}, api.signature_first_date);
  AddApi(r, "CrashSignature", {"POST"}, api.crash_signature,
         {.max_body_bytes = 1 << 20});
  AddApi(r, "CrashVerify", {"GET"}, api.crash_verify);
  AddApi(r, "Bugs", {"GET"}, api.bugs_query);
  AddApi(r, "Bugs", {"POST"}, api.bugs_post);
  AddApi(r, "Bugs", {"DELETE"}, api.bugs_delete);
  AddApi(r, "SignaturesByBugs", {"GET"}, api.signatures_by_bugs);
  AddApi(r, "VersionString", {"GET"}, api.version_string);
  AddApi(r, "NoOp", {"GET"}, api.noop);
  const AdminHandlers admin = MakeAdminHandlers(access, *s.bugs);
  r.Get("/siteadmin/", admin.page);
  AddApi(r, "Users", {"GET"}, admin.users_list);
  AddApi(r, "Users", {"POST"}, admin.users_create);
  AddApi(r, "Users", {"PUT"}, admin.users_update);
  AddApi(r, "AuditLog", {"GET"}, admin.audit_log);
  AddApi(r, "StatusMessage", {"GET"}, admin.status_get);
  AddApi(r, "StatusMessage", {"POST"}, admin.status_set);
  AddApi(r, "BugAssociations", {"GET"}, admin.bug_associations);
  r.Get("/static/*", MakeStaticHandler());
  r.Get("/report/index/*", MakeReportPageHandler());
  r.Get("/topcrashers/",
        MakeAssetHandler("html/topcrashers.html", "text/html; charset=utf-8"));
  r.Get("/signature/",
        MakeAssetHandler("html/signature.html", "text/html; charset=utf-8"));
  r.Get("/search/",
        MakeAssetHandler("html/search.html", "text/html; charset=utf-8"));
  r.Get("/newbuild/",
        MakeAssetHandler("html/newbuild.html", "text/html; charset=utf-8"));
  // Browsers ask for /favicon.ico on their own; pages link the SVG.
  r.Get("/favicon.svg", MakeAssetHandler("html/favicon.svg", "image/svg+xml"));
  r.Get("/favicon.ico", MakeAssetHandler("html/favicon.svg", "image/svg+xml"));
  if (s.symbols) {
    const RouteOptions upload{.max_body_bytes =
                                  s.symbols->options().max_upload_bytes};
    r.Post("/upload/", MakeSymbolUploadHandler(*s.symbols, access), upload);
    r.Post("/upload", MakeSymbolUploadHandler(*s.symbols, access), upload);
    AddApi(r, "MissingSymbols", {"GET"}, MakeMissingSymbolsHandler(*s.symbols));
    AddApi(r, "Symbols", {"GET"}, MakeSymbolListHandler(*s.symbols));
    r.Get("/symbols/",
          MakeAssetHandler("html/symbols.html", "text/html; charset=utf-8"));
    const SymbolicateHandlers sym =
        MakeSymbolicateHandlers(s.symbols->supplier(), access, 4);
    const RouteOptions sym_body{.max_body_bytes = kMaxSymbolicateBodyBytes};
    for (const char* path : {"/symbolicate/v5", "/symbolicate/v4"}) {
      r.Post(path, std::string_view(path).ends_with("5") ? sym.v5 : sym.v4,
             sym_body);
      r.Add("OPTIONS", path, sym.preflight);
    }
    r.Get("/symbols/missing/", MakeAssetHandler("html/missing-symbols.html",
                                                "text/html; charset=utf-8"));
    r.Fallback(MakeSymbolDownloadHandler(
        *s.symbols));  // GET /<debug_file>/<debug_id>/<name>.sym
  }
}

}  // namespace crashbox::web
