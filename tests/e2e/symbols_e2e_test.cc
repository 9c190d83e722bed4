// SPDX-License-Identifier: MPL-2.0
// End to end through the symbol service: the corpus's symbols tree uploaded
// as a zip over HTTP comes back byte for byte from the Tecken-style download
// URLs; hostile uploads are refused with reasons.
#include <filesystem>
#include <map>
#include <thread>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "app/httpclient/http_client.h"
#include "app/submitter/submitter.h"
#include "tests/e2e/server_process.h"
#include "tests/testing/temp_dir.h"
#include "tests/testing/zip_builder.h"

namespace crashbox {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using testing::RawHttp;
using testing::ServerProcess;
using testing::StatusOf;
using testing::TempDir;
using testing::ZipBuilder;

constexpr char kId[] = "0123ABCD0123ABCD0123ABCD0123ABCD0";

std::string Sym(const std::string& debug_file) {
  return "MODULE Linux x86_64 " + std::string(kId) + " " + debug_file +
         "\nFUNC 1000 10 0 foo\n";
}

class SymbolsE2E : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = std::make_unique<ServerProcess>(
        (dir_ / "data").string(),
        std::vector<std::string>{"--processor-workers", "-1"});
    ASSERT_TRUE(server_->started());
  }
  Result<httpclient::HttpResponse> Upload(
      const std::string& body, const std::string& type = "application/zip") {
    return http_.Post(server_->url() + "/upload/", body,
                      {"Content-Type: " + type});
  }
  TempDir dir_;
  std::unique_ptr<ServerProcess> server_;
  httpclient::HttpClient http_;
};

TEST_F(SymbolsE2E, CorpusZipUploadDownloadsBackByteForByte) {
  fs::path root = testing::CorpusDir() / "symbols";
  if (testing::CorpusDir().empty() || !fs::is_directory(root))
    GTEST_SKIP() << "no corpus symbols";
  ZipBuilder zip;
  std::vector<std::pair<std::string, std::string>> files;
  for (const auto& e : fs::recursive_directory_iterator(root)) {
    if (!e.is_regular_file() || e.path().extension() != ".sym") continue;
    std::string rel = fs::relative(e.path(), root).generic_string();
    files.emplace_back(rel, testing::ReadFileOrDie(e.path()));
    zip.Add(rel, files.back().second);
  }
  ASSERT_FALSE(files.empty());
  std::string bytes = zip.Build(dir_.path());
  auto r = Upload(bytes);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->status, 201) << r->body;
  json report = json::parse(r->body);
  EXPECT_EQ(report["added"].size(), files.size()) << r->body;
  EXPECT_TRUE(report["rejected"].empty()) << report["rejected"].dump();

  for (const auto& [rel, text] : files) {
    auto got = http_.Get(server_->url() + "/" + rel);
    ASSERT_TRUE(got.ok());
    EXPECT_EQ(got->status, 200) << rel;
    EXPECT_TRUE(got->body == text) << rel << ": downloaded text differs";
  }
  // The same zip again: everything skipped.
  r = Upload(bytes);
  ASSERT_TRUE(r.ok());
  report = json::parse(r->body);
  EXPECT_TRUE(report["added"].empty());
  EXPECT_EQ(report["skipped"].size(), files.size());
}

TEST_F(SymbolsE2E, MultipartAndSingleSymUploads) {
  std::string zip =
      ZipBuilder()
          .Add(std::string("liba.so/") + kId + "/liba.so.sym", Sym("liba.so"))
          .Build(dir_.path());
  std::string body =
      "--XyZ\r\nContent-Disposition: form-data; name=\"symbols.zip\"; "
      "filename=\"symbols.zip\"\r\n"
      "Content-Type: application/zip\r\n\r\n" +
      zip + "\r\n--XyZ--\r\n";
  auto r = Upload(body, "multipart/form-data; boundary=XyZ");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 201) << r->body;
  r = Upload(Sym("xul.pdb"), "text/plain");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 201) << r->body;
  auto got = http_.Get(server_->url() + "/xul.pdb/" + kId + "/xul.sym");
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->status, 200);
  EXPECT_EQ(got->body, Sym("xul.pdb"));
  got = http_.Get(server_->url() + "/liba.so/" + std::string(kId) +
                  "/liba.so.sym");
  EXPECT_EQ(got->status, 200);

  // A module with a code file and id: found by them too, as Tecken redirects.
  r = Upload("MODULE windows x86_64 " + std::string(kId) +
                 " app.pdb\nINFO CODE_ID 5F1E2D3C4B app.exe\nPUBLIC 10 0 f\n",
             "text/plain");
  ASSERT_EQ(r->status, 201) << r->body;
  got = http_.Get(server_->url() + "/app.exe/5F1E2D3C4B/app.sym");
  EXPECT_EQ(got->status, 302);
  bool located = false;
  for (const auto& [k, v] : got->headers)
    located |=
        k == "Location" && v == "/app.pdb/" + std::string(kId) + "/app.sym";
  EXPECT_TRUE(located);
}

TEST_F(SymbolsE2E, MissesAndHostileUploads) {
  auto got = http_.Get(server_->url() + "/nothing.pdb/" + std::string(kId) +
                       "/nothing.sym");
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->status, 404);
  EXPECT_EQ(got->body, "Symbol Not Found");
  std::string head =
      RawHttp(server_->port(),
              "HEAD /nothing.pdb/ABC/nothing.sym HTTP/1.1\r\nHost: "
              "x\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(StatusOf(head), 404);
  EXPECT_EQ(StatusOf(RawHttp(
                server_->port(),
                "GET /a/b HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")),
            404);
  EXPECT_EQ(
      StatusOf(RawHttp(
          server_->port(),
          "GET /submit HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")),
      405);

  std::string traversal =
      ZipBuilder().Add("../x/ABC/x.sym", Sym("x")).Build(dir_.path());
  auto r = Upload(traversal);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 400) << r->body;
  r = Upload(traversal.substr(0, traversal.size() / 2));
  EXPECT_EQ(r->status, 400) << r->body;
  std::string mismatch =
      ZipBuilder()
          .Add(std::string("liba.so/") + kId + "/liba.so.sym", Sym("libb.so"))
          .Build(dir_.path());
  r = Upload(mismatch);
  EXPECT_EQ(r->status, 400) << r->body;
  EXPECT_NE(r->body.find("module_mismatch"), std::string::npos) << r->body;
}

// The processed crash once every queue is empty (null after 120 s). Polling
// the heartbeat, not ProcessedCrash: asking for an unprocessed crash queues
// it again.
json WaitForProcessed(const std::string& url, const std::string& id) {
  httpclient::HttpClient http;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  std::string last;
  while (std::chrono::steady_clock::now() < deadline) {
    auto hb = http.Get(url + "/__heartbeat__");
    last = hb.ok() ? hb->body : hb.status().ToString();
    json h = hb.ok() ? json::parse(hb->body, nullptr, false) : json();
    if (h.is_object() && h["info"]["queue"]["normal"] == 0 &&
        h["info"]["queue"]["priority"] == 0 &&
        h["info"]["queue"]["reprocessing"] == 0) {
      auto r = http.Get(url + "/api/ProcessedCrash/?crash_id=" + id);
      if (r.ok() && r->status == 200)
        return json::parse(r->body, nullptr, false);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ADD_FAILURE() << "crash " << id << " not processed at " << url
                << "; last heartbeat: " << last;
  return json();
}

// /api/MissingSymbols/ once it lists `debug_file` (recorded just after the
// processed crash is stored), or the last answer after 10 s.
json WaitForMissing(const std::string& url, const std::string& debug_file) {
  httpclient::HttpClient http;
  json m;
  for (int i = 0; i < 100; ++i) {
    auto r = http.Get(url + "/api/MissingSymbols/");
    m = r.ok() ? json::parse(r->body, nullptr, false) : json();
    if (m.is_object()) {
      for (const json& h : m["hits"]) {
        if (h["debug_file"] == debug_file) return m;
      }
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return m;
}

std::string SubmitDump(const std::string& url, const fs::path& dump) {
  submitter::CrashPayload p;
  p.annotations = json{{"ProductName", "Symbols"}, {"Version", "1.0"}};
  p.dumps.emplace_back("upload_file_minidump", testing::ReadFileOrDie(dump));
  auto id = submitter::Submitter({url}).Submit(p);
  return id.ok() ? id.value() : "";
}

TEST(SymbolsReprocessE2E, UploadedSymbolsReprocessTheCrashesThatNeededThem) {
  fs::path corpus = testing::CorpusDir();
  if (corpus.empty() || !fs::exists(corpus / "dumps" / "div_zero.O0fp.dmp"))
    GTEST_SKIP() << "no corpus";
  TempDir dir;
  // The signature the crash gets with its symbols from the start.
  std::string want;
  {
    ServerProcess ref((dir / "ref").string(),
                      {"--symbols-path", (corpus / "symbols").string()});
    ASSERT_TRUE(ref.started());
    std::string id =
        SubmitDump(ref.url(), corpus / "dumps" / "div_zero.O0fp.dmp");
    json p = WaitForProcessed(ref.url(), id);
    ASSERT_TRUE(p.is_object());
    want = p["signature"];
  }
  ServerProcess server((dir / "data").string());
  ASSERT_TRUE(server.started());
  std::string id =
      SubmitDump(server.url(), corpus / "dumps" / "div_zero.O0fp.dmp");
  ASSERT_FALSE(id.empty());
  json before = WaitForProcessed(server.url(), id);
  ASSERT_TRUE(before.is_object());
  EXPECT_NE(before["signature"], want);
  EXPECT_NE(before["missing_symbols"].get<std::string>().find("div_zero"),
            std::string::npos);

  httpclient::HttpClient http;
  json m = WaitForMissing(server.url(), "div_zero");
  bool listed = false;
  for (const json& h : m["hits"]) {
    if (h["debug_file"] == "div_zero" && h["count"] == 1) listed = true;
  }
  EXPECT_TRUE(listed) << m.dump();
  auto csv = http.Get(server.url() + "/api/MissingSymbols/?format=csv");
  EXPECT_TRUE(csv->body.starts_with(
      "debug_file,debug_id,code_file,code_id,version,count,last_seen\n"))
      << csv->body;
  // The page that lists them reads the same API (from its module script)
  // and inserts values as text.
  auto page = http.Get(server.url() + "/symbols/missing/");
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page->status, 200);
  EXPECT_NE(page->body.find("/static/missing-symbols.js"), std::string::npos);
  auto script = http.Get(server.url() + "/static/missing-symbols.js");
  ASSERT_TRUE(script.ok());
  EXPECT_EQ(script->status, 200);
  EXPECT_NE(script->body.find("fetch(\"/api/MissingSymbols/\")"),
            std::string::npos);
  EXPECT_NE(script->body.find("textContent"), std::string::npos);
  EXPECT_EQ(script->body.find("innerHTML"), std::string::npos);

  ZipBuilder zip;
  for (const auto& e :
       fs::recursive_directory_iterator(corpus / "symbols" / "div_zero")) {
    if (e.is_regular_file()) {
      zip.Add(fs::relative(e.path(), corpus / "symbols").generic_string(),
              testing::ReadFileOrDie(e.path()));
    }
  }
  auto r = http.Post(server.url() + "/upload/", zip.Build(dir.path()),
                     {"Content-Type: application/zip"});
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->status, 201) << r->body;

  json after = WaitForProcessed(server.url(), id);
  ASSERT_TRUE(after.is_object())
      << "crash not reprocessed after its symbols arrived";
  EXPECT_EQ(after["signature"], want);
  EXPECT_EQ(after["processor_history"].size(), 1u);
  EXPECT_EQ(after["missing_symbols"].get<std::string>().find("div_zero"),
            std::string::npos);
  m = json::parse(http.Get(server.url() + "/api/MissingSymbols/")->body);
  for (const json& h : m["hits"]) EXPECT_NE(h["debug_file"], "div_zero");
}

TEST(SymbolsUpstreamE2E, MissesAreFetchedOnceFromAnotherCrashbox) {
  fs::path corpus = testing::CorpusDir();
  if (corpus.empty() || !fs::exists(corpus / "dumps" / "div_zero.O0fp.dmp"))
    GTEST_SKIP() << "no corpus";
  TempDir dir;
  // The upstream: a crashbox serving the corpus symbols from its directory.
  ServerProcess upstream((dir / "up").string(),
                         {"--processor-workers", "-1", "--symbols-path",
                          (corpus / "symbols").string()});
  ASSERT_TRUE(upstream.started());
  ServerProcess ref((dir / "ref").string(),
                    {"--symbols-path", (corpus / "symbols").string()});
  ASSERT_TRUE(ref.started());
  json want = WaitForProcessed(
      ref.url(), SubmitDump(ref.url(), corpus / "dumps" / "div_zero.O0fp.dmp"));
  ASSERT_TRUE(want.is_object());

  ServerProcess server((dir / "data").string(),
                       {"--symbols-upstream-urls",
                        "http://no-such-host.invalid " + upstream.url()});
  ASSERT_TRUE(server.started());
  std::string id =
      SubmitDump(server.url(), corpus / "dumps" / "div_zero.O0fp.dmp");
  json p = WaitForProcessed(server.url(), id);
  ASSERT_TRUE(p.is_object());
  EXPECT_EQ(p["signature"], want["signature"]);
  EXPECT_EQ(p["missing_symbols"].get<std::string>().find("div_zero"),
            std::string::npos);
  // Now stored locally: served without asking upstream.
  httpclient::HttpClient http;
  auto sym =
      http.Get(server.url() +
               "/div_zero/9767244346B0228730F772E723F7FF170/div_zero.sym");
  ASSERT_TRUE(sym.ok());
  EXPECT_EQ(sym->status, 200);
  EXPECT_EQ(
      sym->body,
      testing::ReadFileOrDie(
          corpus /
          "symbols/div_zero/9767244346B0228730F772E723F7FF170/div_zero.sym"));
}

TEST(SymbolsUpstreamE2E, NonHttpUpstreamIsAConfigError) {
  TempDir dir;
  auto r = testing::RunCrashbox({"serve", "--data-dir", (dir / "d").string(),
                                 "--symbols-upstream-urls", "file:///etc"});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("CRASHBOX_SYMBOLS_UPSTREAM_URLS"), std::string::npos)
      << r.err;
}

TEST(SymbolsCliE2E, UploadListAndMissingLocallyAndThroughTheServer) {
  fs::path corpus = testing::CorpusDir();
  if (corpus.empty() || !fs::is_directory(corpus / "symbols" / "div_zero"))
    GTEST_SKIP() << "no corpus";
  TempDir dir;
  std::string data = (dir / "data").string();
  auto r = testing::RunCrashbox({"symbols", "upload",
                                 (corpus / "symbols" / "div_zero").string(),
                                 "--data-dir", data});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("added 1,"), std::string::npos) << r.out;
  r = testing::RunCrashbox(
      {"symbols", "list", "--module", "div_zero", "--data-dir", data});
  EXPECT_EQ(r.out, "div_zero/9767244346B0228730F772E723F7FF170\n");

  std::string zip =
      ZipBuilder().Add("../evil/ABC/evil.sym", Sym("evil")).Build(dir.path());
  testing::WriteFileOrDie(dir / "evil.zip", zip);
  r = testing::RunCrashbox(
      {"symbols", "upload", (dir / "evil.zip").string(), "--data-dir", data});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.out.find("rejected"), std::string::npos) << r.out;

  ServerProcess server(data);
  ASSERT_TRUE(server.started());
  testing::WriteFileOrDie(dir / "x.sym", Sym("x.pdb"));
  r = testing::RunCrashbox({"symbols", "upload", (dir / "x.sym").string(),
                            "--url", server.url(), "--data-dir", data});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  httpclient::HttpClient http;
  auto got = http.Get(server.url() + "/x.pdb/" + kId + "/x.sym");
  EXPECT_EQ(got->status, 200);
  r = testing::RunCrashbox(
      {"symbols", "list", "--data-dir", data});  // read-only beside the server
  EXPECT_NE(r.out.find(std::string("x.pdb/") + kId), std::string::npos)
      << r.out << r.err;
  r = testing::RunCrashbox(
      {"symbols", "missing", "--format", "csv", "--data-dir", data});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(r.out.starts_with("debug_file,debug_id,")) << r.out;
}

// Every corpus dump processed with symbols only from the LMDB store (uploaded
// as a zip) gets the same stacks and signature as with the symbol directory.
TEST(SymbolsStoreE2E, StoreOnlyWalksEqualDirectoryWalks) {
  fs::path corpus = testing::CorpusDir();
  if (corpus.empty() || !fs::is_directory(corpus / "symbols"))
    GTEST_SKIP() << "no corpus";
  TempDir dir;
  ServerProcess from_dir((dir / "dir").string(),
                         {"--symbols-path", (corpus / "symbols").string()});
  ServerProcess from_store((dir / "store").string());
  ASSERT_TRUE(from_dir.started() && from_store.started());
  ZipBuilder zip;
  for (const auto& e : fs::recursive_directory_iterator(corpus / "symbols")) {
    if (e.is_regular_file() && e.path().extension() == ".sym") {
      zip.Add(fs::relative(e.path(), corpus / "symbols").generic_string(),
              testing::ReadFileOrDie(e.path()));
    }
  }
  httpclient::HttpClient http;
  auto up = http.Post(from_store.url() + "/upload/", zip.Build(dir.path()),
                      {"Content-Type: application/zip"});
  ASSERT_TRUE(up.ok());
  ASSERT_EQ(up->status, 201) << up->body;

  auto payloads = submitter::LoadPayloads((corpus / "dumps").string());
  ASSERT_TRUE(payloads.ok());
  std::vector<std::pair<std::string, std::string>> ids;  // (dir id, store id)
  for (const auto& p : *payloads) {
    auto a = submitter::Submitter({from_dir.url()}).Submit(p);
    auto b = submitter::Submitter({from_store.url()}).Submit(p);
    ASSERT_TRUE(a.ok() && b.ok());
    ids.emplace_back(a.value(), b.value());
  }
  ASSERT_FALSE(WaitForProcessed(from_dir.url(), ids.back().first).is_null());
  ASSERT_FALSE(WaitForProcessed(from_store.url(), ids.back().second).is_null());
  size_t frames = 0;
  for (const auto& [a, b] : ids) {
    json pa = json::parse(
        http.Get(from_dir.url() + "/api/ProcessedCrash/?crash_id=" + a)->body,
        nullptr, false);
    json pb = json::parse(
        http.Get(from_store.url() + "/api/ProcessedCrash/?crash_id=" + b)->body,
        nullptr, false);
    ASSERT_TRUE(pa.is_object() && pb.is_object());
    EXPECT_EQ(pa["signature"], pb["signature"]) << a;
    EXPECT_EQ(pa["missing_symbols"], pb["missing_symbols"]) << a;
    const json& ta = pa["json_dump"]["threads"];
    const json& tb = pb["json_dump"]["threads"];
    ASSERT_EQ(ta.size(), tb.size()) << a;
    for (size_t t = 0; t < ta.size(); ++t) {
      ASSERT_EQ(ta[t]["frames"].size(), tb[t]["frames"].size())
          << a << " thread " << t;
      for (size_t f = 0; f < ta[t]["frames"].size(); ++f) {
        const json& fa = ta[t]["frames"][f];
        const json& fb = tb[t]["frames"][f];
        EXPECT_EQ(fa["offset"], fb["offset"]);
        EXPECT_EQ(fa["function"], fb["function"]);
        EXPECT_EQ(fa["line"], fb["line"]);
        EXPECT_EQ(fa["trust"], fb["trust"]);
        ++frames;
      }
    }
  }
  EXPECT_GT(frames, 100u);
  std::printf("compared %zu crashes, %zu frames\n", ids.size(), frames);
}

}  // namespace
}  // namespace crashbox
