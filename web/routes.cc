// SPDX-License-Identifier: MPL-2.0
#include "web/routes.h"

#include "web/api/account.h"
#include "web/api/crashes.h"
#include "web/api/health.h"
#include "web/api/search.h"
#include "web/api/symbols.h"
#include "web/submit/submit_handler.h"
#include "web/ui/pages.h"

namespace crashbox::web {

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
  r.Get("/api/Session/", account.session);
  r.Get("/api/Session", account.session);
  r.Get("/api/RawCrash/", MakeRawCrashHandler(*s.crashes, access));
  r.Get("/api/RawCrash", MakeRawCrashHandler(*s.crashes, access));
  r.Get("/api/ProcessedCrash/", MakeProcessedCrashHandler(*s.crashes, access));
  r.Get("/api/ProcessedCrash", MakeProcessedCrashHandler(*s.crashes, access));
  r.Post("/api/Reprocessing/", MakeReprocessingHandler(*s.crashes, access));
  r.Post("/api/Reprocessing", MakeReprocessingHandler(*s.crashes, access));
  r.Get("/api/SuperSearchFields/", MakeSuperSearchFieldsHandler());
  r.Get("/api/SuperSearchFields", MakeSuperSearchFieldsHandler());
  if (s.search) {
    SuperSearchHandlers search = MakeSuperSearchHandlers(*s.search, access);
    r.Get("/api/SuperSearch/", search.search);
    r.Get("/api/SuperSearch", search.search);
    r.Get("/api/SuperSearchUnredacted/", search.unredacted);
    r.Get("/api/SuperSearchUnredacted", search.unredacted);
  }
  // Browsers ask for /favicon.ico on their own; pages link the SVG.
  r.Get("/favicon.svg", MakeAssetHandler("html/favicon.svg", "image/svg+xml"));
  r.Get("/favicon.ico", MakeAssetHandler("html/favicon.svg", "image/svg+xml"));
  if (s.symbols) {
    const RouteOptions upload{.max_body_bytes =
                                  s.symbols->options().max_upload_bytes};
    r.Post("/upload/", MakeSymbolUploadHandler(*s.symbols, access), upload);
    r.Post("/upload", MakeSymbolUploadHandler(*s.symbols, access), upload);
    r.Get("/api/MissingSymbols/", MakeMissingSymbolsHandler(*s.symbols));
    r.Get("/api/MissingSymbols", MakeMissingSymbolsHandler(*s.symbols));
    r.Get("/symbols/missing/", MakeAssetHandler("html/missing-symbols.html",
                                                "text/html; charset=utf-8"));
    r.Fallback(MakeSymbolDownloadHandler(
        *s.symbols));  // GET /<debug_file>/<debug_id>/<name>.sym
  }
}

}  // namespace crashbox::web
