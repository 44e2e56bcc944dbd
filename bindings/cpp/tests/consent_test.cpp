// The consent functions against a consent file in a temporary folder (never the user's own).
#include <mycelium/telemetry.hpp>

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>

#include <unistd.h>

namespace telemetry = mycelium::telemetry;

namespace {

class ConsentTest : public ::testing::Test {
 protected:
  void SetUp() override {
    directory_ = std::filesystem::temp_directory_path() /
                 ("mt-cpp-consent-" + std::to_string(::getpid()));
    std::filesystem::remove_all(directory_);
    std::filesystem::create_directories(directory_);
    std::filesystem::permissions(directory_, std::filesystem::perms::owner_all);
    ::setenv("TELEMETRY_CONSENT_FILE", (directory_ / "consent.json").c_str(), 1);
  }
  void TearDown() override {
    ::unsetenv("TELEMETRY_CONSENT_FILE");
    std::filesystem::remove_all(directory_);
  }

  std::filesystem::path directory_;
};

TEST_F(ConsentTest, SetThenGetReturnsTheLevel) {
  EXPECT_EQ(telemetry::consent_get(), telemetry::Consent::undecided);
  telemetry::consent_set(telemetry::Consent::on);
  EXPECT_EQ(telemetry::consent_get(), telemetry::Consent::on);
  EXPECT_TRUE(std::filesystem::exists(directory_ / "consent.json"));
}

TEST_F(ConsentTest, PerAppAndGlobalEntriesAreSeparate) {
  telemetry::consent_set(telemetry::Consent::local, "mytool");
  EXPECT_EQ(telemetry::consent_get("mytool"), telemetry::Consent::local);
  EXPECT_EQ(telemetry::consent_get(), telemetry::Consent::undecided);
  telemetry::consent_set(telemetry::Consent::off);
  EXPECT_EQ(telemetry::consent_get("mytool"), telemetry::Consent::local);
  EXPECT_EQ(telemetry::consent_get("other"), telemetry::Consent::undecided);
}

TEST_F(ConsentTest, InvalidLevelsAndNamesThrowError) {
  EXPECT_THROW(telemetry::consent_set(static_cast<telemetry::Consent>(7)), telemetry::Error);
  EXPECT_THROW(telemetry::consent_get("not a name"), telemetry::Error);
  EXPECT_EQ(telemetry::consent_get(), telemetry::Consent::undecided);
}

TEST_F(ConsentTest, AMalformedFileIsAnIoError) {
  std::filesystem::create_directory(directory_ / "consent.json");
  EXPECT_THROW(telemetry::consent_get(), telemetry::IoError);
}

TEST(Consent, TheNoticeIsNotEmpty) { EXPECT_FALSE(telemetry::consent_notice().empty()); }

TEST(Consent, AppNameIsCheckedWhenTheClientIsCreated) {
  EXPECT_THROW(telemetry::Client(telemetry::Config().app_name("no spaces")), telemetry::Error);
}

TEST(Consent, SourcesAreTheContractSources) {
  const telemetry::ConsentSource sources[] = {
      telemetry::ConsentSource::do_not_track,      telemetry::ConsentSource::telemetry_enabled,
      telemetry::ConsentSource::app_choice,        telemetry::ConsentSource::global_choice,
      telemetry::ConsentSource::unreadable_choice, telemetry::ConsentSource::host,
      telemetry::ConsentSource::by_default};
  std::string expected = "\"consent_sources\": {";
  for (const auto source : sources) {
    if (source != sources[0]) expected += ", ";
    expected += "\"" + std::string(telemetry::to_string(source)) +
                "\": " + std::to_string(static_cast<int>(source));
  }
  expected += "}";
  std::ifstream file(MT_CONTRACT_FILE);
  std::stringstream text;
  text << file.rdbuf();
  EXPECT_NE(text.str().find(expected), std::string::npos) << expected;
}

/// Sets (std::nullopt: removes) one environment variable until the end of the scope.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, std::optional<std::string> value) : name_(name) {
    if (const char* before = std::getenv(name)) before_ = before;
    set(value);
  }
  ~ScopedEnv() { set(before_); }
  ScopedEnv(const ScopedEnv&) = delete;
  ScopedEnv& operator=(const ScopedEnv&) = delete;

 private:
  void set(const std::optional<std::string>& value) {
    if (value) {
      ::setenv(name_, value->c_str(), 1);
    } else {
      ::unsetenv(name_);
    }
  }
  const char* name_;
  std::optional<std::string> before_;
};

/// consent_explain says `level` because of `source`, and a client from the config agrees.
telemetry::ConsentExplanation ExpectExplained(const std::optional<telemetry::Config>& config,
                                              telemetry::Consent level,
                                              telemetry::ConsentSource source) {
  const auto explanation = config ? telemetry::consent_explain(*config) : telemetry::consent_explain();
  EXPECT_EQ(explanation.level, level);
  EXPECT_EQ(explanation.source, source) << telemetry::to_string(explanation.source);
  EXPECT_NE(explanation.reason.find("(rule "), std::string_view::npos) << explanation.reason;
  telemetry::Client client(config ? *config : telemetry::Config::from_env());
  EXPECT_EQ(client.enabled(), level != telemetry::Consent::off);
  client.shutdown(std::chrono::milliseconds(1000));
  return explanation;
}

TEST_F(ConsentTest, ExplainNamesTheRuleThatDecidesRowByRow) {
  using telemetry::Consent;
  using telemetry::ConsentSource;
  ScopedEnv no_dnt("DO_NOT_TRACK", std::nullopt);
  ScopedEnv no_enabled("TELEMETRY_ENABLED", std::nullopt);
  ScopedEnv no_app("TELEMETRY_APP", std::nullopt);
  // A closed loopback port: a client that does start never reaches a collector.
  const auto base = [] {
    return telemetry::Config().app_name("mytool").endpoint("http://127.0.0.1:9/v1/events");
  };
  ExpectExplained(std::nullopt, Consent::off, ConsentSource::by_default);  // 5
  ExpectExplained(base(), Consent::off, ConsentSource::by_default);        // 5
  const auto host = base().enabled(true);
  ExpectExplained(host, Consent::on, ConsentSource::host);  // 4
  telemetry::consent_set(Consent::local);
  ExpectExplained(host, Consent::local, ConsentSource::global_choice);  // 3, global
  telemetry::consent_set(Consent::off, "mytool");
  const auto off = ExpectExplained(host, Consent::off, ConsentSource::app_choice);  // 3, the app's
  EXPECT_EQ(off.reason, "the choice recorded for this application (rule 3)");
  {
    ScopedEnv enabled("TELEMETRY_ENABLED", "1");
    ExpectExplained(host, Consent::on, ConsentSource::telemetry_enabled);  // 2
    ScopedEnv dnt("DO_NOT_TRACK", "1");
    ExpectExplained(host, Consent::off, ConsentSource::do_not_track);  // 1
  }
  // No config is the environment alone, where TELEMETRY_APP names the application.
  ScopedEnv app("TELEMETRY_APP", "mytool");
  ExpectExplained(std::nullopt, Consent::off, ConsentSource::app_choice);
}

TEST_F(ConsentTest, ExplainReportsAnUnreadableChoiceAsOff) {
  std::filesystem::create_directory(directory_ / "consent.json");
  const auto explanation = telemetry::consent_explain(telemetry::Config().enabled(true));
  EXPECT_EQ(explanation.level, telemetry::Consent::off);
  EXPECT_EQ(explanation.source, telemetry::ConsentSource::unreadable_choice);
  EXPECT_THROW(telemetry::consent_explain(telemetry::Config().app_name("no spaces")),
               telemetry::Error);
}

}  // namespace
