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

// One parameter of an endpoint, as the API page's try-it form shows it.
struct ApiParam {
  std::string_view name;
  std::string_view example;  // the form field's placeholder
  bool required = false;
};
// What the API page (assets/ui/apidocs.js, through GET /api/Endpoints/)
// says of an endpoint.
struct ApiDoc {
  std::string_view what;
  std::vector<ApiParam> params;
  std::string_view needs;  // a permission, or ""
};

// Registers /api/<name>/ and /api/<name> routes and keeps each one's
// documentation, served by Endpoints(): the API page lists exactly the
// routes this server has.
class ApiRoutes {
 public:
  explicit ApiRoutes(Router& r) : r_(r) {}
  void Add(std::string_view name, std::string_view method, const Handler& h,
           const ApiDoc& doc, RouteOptions o = {}) {
    Route(name, method, Api(h), o);
    Document(name, method, doc);
  }
  // GET /api/Endpoints/: {"endpoints": [{"name", "method", "what",
  // "params": [{"name", "example", "required"}], "needs"}]}, in the order
  // they were added, itself last. Call after the last Add: the list is
  // rendered once.
  void AddEndpointsRoute() {
    Document("Endpoints", "GET",
             {"This list: every API endpoint of this server", {}, ""});
    std::string body = nlohmann::json{{"endpoints", docs_}}.dump();
    Route("Endpoints", "GET",
          Api([body = std::move(body)](Request&, Response& resp) {
            resp.Json(200, body);
          }),
          {});
  }

 private:
  void Route(std::string_view name, std::string_view method,
             const Handler& wrapped, RouteOptions o) {
    for (const char* tail : {"/", ""}) {
      r_.Add(std::string(method), fmt::format("/api/{}{}", name, tail), wrapped,
             o);
    }
  }
  void Document(std::string_view name, std::string_view method,
                const ApiDoc& doc) {
    nlohmann::json params = nlohmann::json::array();
    for (const ApiParam& p : doc.params)
      params.push_back(
          {{"name", p.name}, {"example", p.example}, {"required", p.required}});
    docs_.push_back({{"name", name},
                     {"method", method},
                     {"what", doc.what},
                     {"params", params},
                     {"needs", doc.needs}});
  }

  Router& r_;
  nlohmann::json docs_ = nlohmann::json::array();
};

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
  ApiRoutes api(r);
  const AccountHandlers account = MakeAccountHandlers(access);
  r.Get("/", account.home);
  r.Get("/login", account.login_page);
  r.Post("/login", account.login);
  r.Post("/logout", account.logout);
  r.Get("/setup", account.setup_page);
  r.Post("/setup", account.setup);
  api.Add("Session", "GET", account.session,
          {"Who you are, and your CSRF token", {}, ""});
  api.Add("Tokens", "GET", account.tokens_list,
          {"Your API tokens (never their keys)", {}, ""});
  api.Add("Tokens", "POST", account.tokens_create,
          {"A new token for you, from a signed-in session: permissions "
           "(repeatable), notes, days",
           {},
           ""});
  api.Add("Tokens", "DELETE", account.tokens_revoke,
          {"Revoke one of your tokens: id", {}, ""});
  r.Get("/api/tokens/", account.tokens_page);
  r.Get("/api/",
        MakeAssetHandler("html/apidocs.html", "text/html; charset=utf-8"));
  r.Get("/profile/",
        MakeAssetHandler("html/profile.html", "text/html; charset=utf-8"));
  api.Add("RawCrash", "GET", MakeRawCrashHandler(*s.crashes, access),
          {"One raw crash (format=raw: the dump, with view_rawdump)",
           {{"crash_id", "", true},
            {"format", "meta"},
            {"name", "upload_file_minidump"}},
           ""});
  api.Add("ProcessedCrash", "GET",
          MakeProcessedCrashHandler(*s.crashes, access),
          {"One processed crash (protected fields with view_pii)",
           {{"crash_id", "", true}},
           ""});
  api.Add("Reprocessing", "POST", MakeReprocessingHandler(*s.crashes, access),
          {"Queue crashes again: crash_ids=ID[:ruleset], repeatable",
           {},
           "reprocess_crashes"});
  api.Add("SuperSearchFields", "GET", MakeSuperSearchFieldsHandler(),
          {"Every search field's definition", {}, ""});
  if (s.search) {
    SuperSearchHandlers search = MakeSuperSearchHandlers(*s.search, access);
    api.Add("SuperSearch", "GET", search.search,
            {"Search crashes: filters per field, facets, aggregations, "
             "histograms (public fields)",
             {{"product", "Firefox"},
              {"signature", "~OOM"},
              {"_facets", "signature"},
              {"_results_number", "10"}},
             ""});
    api.Add("SuperSearchUnredacted", "GET", search.unredacted,
            {"The same with protected fields",
             {{"url", "!__null__"}, {"_columns", "url"}},
             "view_pii"});
    api.Add("ProductDetails", "GET",
            MakeProductDetailsHandler(*s.search->products),
            {"The products crashbox knows", {}, ""});
    r.Get("/home/product/*", MakeProductHomeHandler(*s.search));
  }
  const CrashApiHandlers crash = MakeCrashApiHandlers(
      {s.crashes, s.search ? s.search->index : nullptr, s.signatures, s.bugs},
      access);
  api.Add("SignatureFirstDate", "GET", crash.signature_first_date,
          {"When and in which build signatures were first seen",
           {{"signatures", "", true}},
           ""});
  api.Add("CrashSignature", "POST", crash.crash_signature,
          {"Signatures of crash data: a JSON body {\"jobs\": [...]}", {}, ""},
          {.max_body_bytes = 1 << 20});
  api.Add("CrashVerify", "GET", crash.crash_verify,
          {"Where a crash is stored", {{"crash_id", "", true}}, ""});
  api.Add("Bugs", "GET", crash.bugs_query,
          {"Bugs of signatures, and those bugs' other signatures",
           {{"signatures", "", true}},
           ""});
  api.Add("Bugs", "POST", crash.bugs_post,
          {"Associate a bug with signatures: bug_id, signatures (repeatable)",
           {},
           "admin"});
  api.Add("Bugs", "DELETE", crash.bugs_delete,
          {"Remove a bug's association: bug_id, signatures", {}, "admin"});
  api.Add("SignaturesByBugs", "GET", crash.signatures_by_bugs,
          {"Signatures of bugs", {{"bug_ids", "", true}}, ""});
  api.Add("VersionString", "GET", crash.version_string,
          {"The version of a product's build on a channel",
           {{"product", "Firefox", true},
            {"channel", "beta", true},
            {"build_id", "", true}},
           ""});
  api.Add("NoOp", "GET", crash.noop,
          {"Socorro's test endpoint", {{"product", "Firefox", true}}, ""});
  const AdminHandlers admin = MakeAdminHandlers(access, *s.bugs);
  r.Get("/siteadmin/", admin.page);
  api.Add("Users", "GET", admin.users_list,
          {"Every user, their groups and permissions", {}, "admin"});
  api.Add("Users", "POST", admin.users_create,
          {"A new user: username, password, permissions, groups (repeatable)",
           {},
           "admin"});
  api.Add("Users", "PUT", admin.users_update,
          {"Replace a user's state and grants: username, active, permissions, "
           "groups[, password]",
           {},
           "admin"});
  api.Add("AuditLog", "GET", admin.audit_log,
          {"Who read protected data and changed access",
           {{"since", "YYYY-MM-DD"}, {"limit", "200"}},
           "admin"});
  api.Add("StatusMessage", "GET", admin.status_get,
          {"The site's status message", {}, ""});
  api.Add(
      "StatusMessage", "POST", admin.status_set,
      {"Set the status message: message, severity (info, warning, critical)",
       {},
       "admin"});
  api.Add("BugAssociations", "GET", admin.bug_associations,
          {"Every bug association", {}, ""});
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
    api.Add("MissingSymbols", "GET", MakeMissingSymbolsHandler(*s.symbols),
            {"Modules crashes lacked symbols for", {{"format", "csv"}}, ""});
    api.Add("Symbols", "GET", MakeSymbolListHandler(*s.symbols),
            {"Stored symbol files, the first 1,000 by name",
             {{"prefix", "libxul"}},
             ""});
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
  api.AddEndpointsRoute();
}

}  // namespace crashbox::web
