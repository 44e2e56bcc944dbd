// The consent functions against a consent file in a temporary folder (never the user's own).
#include <mycelium/telemetry.hpp>

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
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

}  // namespace
