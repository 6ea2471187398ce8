#include "gateway/ops/admin_server.h"

#include <gtest/gtest.h>

#include <atomic>
#include <string>

#include "gateway/ops/net.h"

namespace hubgate::gateway {
namespace {

struct Reply {
  int status = 0;
  std::string content_type;
  std::string body;
};

Reply Fetch(int port, http::verb verb, const std::string& target) {
  net::io_context io;
  tcp::socket socket(io);
  socket.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), static_cast<uint16_t>(port)));
  http::request<http::empty_body> request{verb, target, 11};
  request.set(http::field::host, "127.0.0.1");
  http::write(socket, request);
  beast::flat_buffer buffer;
  http::response<http::string_body> response;
  http::read(socket, buffer, response);
  return {static_cast<int>(response.result_int()),
          std::string(response[http::field::content_type]), response.body()};
}

class AdminServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto server = AdminServer::Start(
        "127.0.0.1:0", {.render_metrics = [] { return std::string("hubgate_up 1\n"); },
                        .is_ready = [this] { return ready_.load(); }});
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
  }
  std::atomic<bool> ready_{false};
  std::unique_ptr<AdminServer> server_;
};

TEST_F(AdminServerTest, HealthzAnswersWhileNotReady) {
  Reply reply = Fetch(server_->port(), http::verb::get, "/healthz");
  EXPECT_EQ(reply.status, 200);
  EXPECT_EQ(reply.body, "ok\n");
}

TEST_F(AdminServerTest, ReadyzFollowsTheReadiness) {
  EXPECT_EQ(Fetch(server_->port(), http::verb::get, "/readyz").status, 503);
  ready_ = true;
  EXPECT_EQ(Fetch(server_->port(), http::verb::get, "/readyz").status, 200);
  ready_ = false;
  EXPECT_EQ(Fetch(server_->port(), http::verb::get, "/readyz?verbose=1").status, 503);
}

TEST_F(AdminServerTest, MetricsUseThePrometheusTextFormat) {
  Reply reply = Fetch(server_->port(), http::verb::get, "/metrics");
  EXPECT_EQ(reply.status, 200);
  EXPECT_EQ(reply.content_type, "text/plain; version=0.0.4; charset=utf-8");
  EXPECT_EQ(reply.body, "hubgate_up 1\n");
}

TEST_F(AdminServerTest, UnknownPathsAndMethodsAreRefused) {
  EXPECT_EQ(Fetch(server_->port(), http::verb::get, "/admin").status, 404);
  EXPECT_EQ(Fetch(server_->port(), http::verb::post, "/metrics").status, 405);
}

TEST(AdminServerStartTest, BadAddressIsAnError) {
  auto server = AdminServer::Start("nowhere", {});
  EXPECT_FALSE(server.ok());
}

}  // namespace
}  // namespace hubgate::gateway
