// ClientStream: a TLS connection moved between event loops (Detach on one io_context, Attach
// on another) keeps its session; one with bytes read ahead is not moved.
#include "gateway/ops/client_stream.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <thread>

#include "tests/mocks/test_certificates.h"

namespace hubgate::gateway {
namespace {

namespace ssl = net::ssl;
using ::hubgate::test_support::MakeTestCertificate;
using ::hubgate::test_support::TestCertificate;

class ClientStreamTest : public ::testing::Test {
 protected:
  ClientStreamTest() : acceptor_(first_, tcp::endpoint(net::ip::make_address("127.0.0.1"), 0)) {
    TestCertificate certificate = MakeTestCertificate("server");
    server_tls_.use_certificate_chain(net::buffer(certificate.certificate_pem));
    server_tls_.use_private_key(net::buffer(certificate.key_pem), ssl::context::pem);
  }

  // Runs `client` on its own thread against a connection accepted here, on `first_`.
  tcp::socket Accept() {
    tcp::socket socket(first_);
    acceptor_.accept(socket);
    return socket;
  }

  // A blocking TLS client (no verification: the certificate is made up).
  struct Client {
    explicit Client(int port) : tls(io, context) {
      tls.next_layer().connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port));
      tls.set_verify_mode(ssl::verify_none);
      tls.handshake(ssl::stream_base::client);
    }
    std::string ReadSome() {
      char data[64];
      return std::string(data, tls.read_some(net::buffer(data)));
    }
    net::io_context io;
    ssl::context context{ssl::context::tls_client};
    ssl::stream<tcp::socket> tls;
  };

  static std::string ReadSome(net::io_context& io, ClientStream& stream, size_t at_most) {
    std::string data(at_most, '\0');
    size_t got = 0;
    stream.async_read_some(net::buffer(data), [&](error_code ec, size_t n) {
      EXPECT_FALSE(ec) << ec.message();
      got = n;
    });
    io.restart();
    io.run();
    return data.substr(0, got);
  }

  static void Write(net::io_context& io, ClientStream& stream, const std::string& text) {
    net::async_write(stream, net::buffer(text), [](error_code ec, size_t) {
      EXPECT_FALSE(ec) << ec.message();
    });
    io.restart();
    io.run();
  }

  static void Handshake(net::io_context& io, ClientStream& stream) {
    stream.AsyncHandshake([](error_code ec) { EXPECT_FALSE(ec) << ec.message(); });
    io.restart();
    io.run();
  }

  int port() const { return acceptor_.local_endpoint().port(); }

  net::io_context first_;
  net::io_context second_;
  tcp::acceptor acceptor_;
  ssl::context server_tls_{ssl::context::tls_server};
};

TEST_F(ClientStreamTest, ATlsConnectionMovedToAnotherEventLoopKeepsItsSession) {
  std::string client_got;
  std::thread client_thread([&, port = port()] {
    Client client(port);
    net::write(client.tls, net::buffer(std::string("hello")));
    client_got = client.ReadSome();
    net::write(client.tls, net::buffer(std::string("again")));
    client_got += client.ReadSome();
  });
  ClientStream stream(Accept(), server_tls_);
  ASSERT_TRUE(stream.is_tls());
  Handshake(first_, stream);
  EXPECT_EQ(ReadSome(first_, stream, 64), "hello");

  absl::StatusOr<ClientStream::Detached> detached = stream.Detach();
  ASSERT_TRUE(detached.ok()) << detached.status();
  ClientStream moved = ClientStream::Attach(second_, *detached);
  ASSERT_TRUE(moved.is_tls());
  EXPECT_TRUE(moved.socket().is_open());
  EXPECT_EQ(&net::query(moved.get_executor(), net::execution::context), &second_);
  // Both directions go on with the same TLS session (keys, sequence numbers).
  Write(second_, moved, "world");
  EXPECT_EQ(ReadSome(second_, moved, 64), "again");
  Write(second_, moved, "!");
  client_thread.join();
  EXPECT_EQ(client_got, "world!");
}

TEST_F(ClientStreamTest, APlainConnectionMovesToo) {
  std::string client_got;
  std::thread client_thread([&, port = port()] {
    net::io_context io;
    tcp::socket socket(io);
    socket.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port));
    net::write(socket, net::buffer(std::string("ping")));
    char data[16];
    client_got = std::string(data, socket.read_some(net::buffer(data)));
  });
  ClientStream stream(Accept());
  EXPECT_FALSE(stream.is_tls());
  EXPECT_EQ(ReadSome(first_, stream, 16), "ping");
  absl::StatusOr<ClientStream::Detached> detached = stream.Detach();
  ASSERT_TRUE(detached.ok()) << detached.status();
  ClientStream moved = ClientStream::Attach(second_, *detached);
  EXPECT_FALSE(moved.is_tls());
  Write(second_, moved, "pong");
  client_thread.join();
  EXPECT_EQ(client_got, "pong");
}

TEST_F(ClientStreamTest, TlsBytesReadAheadKeepTheConnectionWhereItIs) {
  std::string client_got;
  std::thread client_thread([&, port = port()] {
    Client client(port);
    net::write(client.tls, net::buffer(std::string("ab")));  // one TLS record
    client_got = client.ReadSome();
  });
  ClientStream stream(Accept(), server_tls_);
  Handshake(first_, stream);
  EXPECT_EQ(ReadSome(first_, stream, 1), "a");  // "b" is decrypted and waiting in OpenSSL
  absl::StatusOr<ClientStream::Detached> detached = stream.Detach();
  EXPECT_EQ(detached.status().code(), absl::StatusCode::kFailedPrecondition);
  // The stream is as it was.
  EXPECT_EQ(ReadSome(first_, stream, 1), "b");
  Write(first_, stream, "ok");
  client_thread.join();
  EXPECT_EQ(client_got, "ok");
}

}  // namespace
}  // namespace hubgate::gateway
