#include "services/push_api_key_store.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <string>

namespace hubgate::services {
namespace {

hubcore::PushApiKeyOptions InlineKey(std::string name, std::string key) {
  hubcore::PushApiKeyOptions options;
  options.name = std::move(name);
  options.key = std::move(key);
  return options;
}

class KeyFile {
 public:
  KeyFile() : path_(testing::TempDir() + "push_api_key_" + std::to_string(counter_++)) {}
  ~KeyFile() { std::remove(path_.c_str()); }
  void Write(const std::string& text) const { std::ofstream(path_, std::ios::trunc) << text; }
  const std::string& path() const { return path_; }

 private:
  static inline int counter_ = 0;
  std::string path_;
};

TEST(PushApiKeyStoreTest, FindsTheGrantOfAKnownKeyOnly) {
  hubcore::PushApiKeyOptions billing = InlineKey("billing", "b-secret");
  billing.hubs = {"invoices"};
  billing.operations = {"send"};
  auto store = PushApiKeyStore::Create({InlineKey("admin", "a-secret"), billing});
  ASSERT_TRUE(store.ok()) << store.status();

  auto admin = (*store)->Find("a-secret");
  ASSERT_NE(admin, nullptr);
  EXPECT_EQ(admin->name, "admin");
  for (PushApiOperation operation : kAllPushApiOperations) EXPECT_TRUE(admin->Allows(operation));
  EXPECT_TRUE(admin->AllowsHub("anything"));

  auto limited = (*store)->Find("b-secret");
  ASSERT_NE(limited, nullptr);
  EXPECT_TRUE(limited->Allows(PushApiOperation::kSend));
  EXPECT_FALSE(limited->Allows(PushApiOperation::kMembership));
  EXPECT_TRUE(limited->AllowsHub("invoices"));
  EXPECT_FALSE(limited->AllowsHub("chat"));

  EXPECT_EQ((*store)->Find("a-secre"), nullptr);   // a prefix
  EXPECT_EQ((*store)->Find("a-secret "), nullptr);  // longer
  EXPECT_EQ((*store)->Find(""), nullptr);
}

TEST(PushApiKeyStoreTest, UnknownOperationAndEmptyKeyAreErrorsNamingTheKey) {
  hubcore::PushApiKeyOptions odd = InlineKey("odd", "x");
  odd.operations = {"admin"};
  auto store = PushApiKeyStore::Create({odd});
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().message(), "push_api.keys 'odd': unknown operation 'admin'");
  auto empty = PushApiKeyStore::Create({InlineKey("empty", "")});
  ASSERT_FALSE(empty.ok());
  EXPECT_EQ(empty.status().message(), "push_api.keys 'empty': the key is empty");
}

TEST(PushApiKeyStoreTest, ReloadSwapsARotatedKeyFileAndKeepsTheOldKeyOnABadFile) {
  KeyFile file;
  file.Write("first-key\n");  // the newline is not part of the key
  hubcore::PushApiKeyOptions options;
  options.name = "rotating";
  options.key_file = file.path();
  auto store = PushApiKeyStore::Create({options, InlineKey("inline", "i")});
  ASSERT_TRUE(store.ok()) << store.status();
  EXPECT_TRUE((*store)->has_key_files());
  EXPECT_NE((*store)->Find("first-key"), nullptr);
  EXPECT_EQ((*store)->ReloadKeyFiles(), 0);  // unchanged

  file.Write("second-key");
  EXPECT_EQ((*store)->ReloadKeyFiles(), 1);
  EXPECT_EQ((*store)->Find("first-key"), nullptr);
  EXPECT_NE((*store)->Find("second-key"), nullptr);
  EXPECT_NE((*store)->Find("i"), nullptr);

  file.Write("  \n");  // half-written: keep the key rather than lock everyone out
  EXPECT_EQ((*store)->ReloadKeyFiles(), 0);
  EXPECT_NE((*store)->Find("second-key"), nullptr);
}

TEST(PushApiKeyStoreTest, MissingKeyFileIsAnErrorAtCreation) {
  hubcore::PushApiKeyOptions options;
  options.name = "gone";
  options.key_file = testing::TempDir() + "no_such_push_api_key";
  auto store = PushApiKeyStore::Create({options});
  ASSERT_FALSE(store.ok());
  EXPECT_NE(store.status().message().find("push_api.keys 'gone': cannot open key file"),
            std::string::npos);
}

}  // namespace
}  // namespace hubgate::services
