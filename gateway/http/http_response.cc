#include "gateway/http/http_response.h"

namespace hubgate::gateway {

namespace {

template <class Body>
void SetHeaders(http::response<Body>& response, const RequestTraits& traits,
                const ResponseStyle& style, bool has_body, const Cors::Headers& extra_headers) {
  response.set(http::field::server, "hubgate");
  if (!style.cache_control.empty()) {
    response.set(http::field::cache_control, style.cache_control);
  }
  if (!style.content_type.empty() && (style.content_type_without_body || has_body)) {
    response.set(http::field::content_type, style.content_type);
  }
  if (style.cors && !traits.cors_origin.empty()) {
    for (auto& [name, value] : Cors::ResponseHeaders(traits.cors_origin)) {
      response.set(name, value);
    }
  }
  for (auto& [name, value] : extra_headers) {
    response.set(name, value);
  }
  response.keep_alive(traits.keep_alive);
}

}  // namespace

RequestTraits RequestTraits::Of(const http::request<http::string_body>& request,
                                const CorsConfig& cors) {
  RequestTraits traits;
  traits.version = request.version();
  traits.keep_alive = request.keep_alive();
  traits.head = request.method() == http::verb::head;
  if (cors.enabled()) {
    auto origin = request.find(http::field::origin);
    if (origin != request.end()) {
      traits.cors_origin =
          Cors::AllowedOrigin(cors, std::string_view(origin->value().data(),
                                                     origin->value().size()))
              .value_or("");
    }
  }
  return traits;
}

HttpResponse::Full HttpResponse::Build(const RequestTraits& traits, http::status status,
                                       std::string body, const ResponseStyle& style,
                                       const Cors::Headers& extra_headers) {
  Full response(status, traits.version);
  // The type names the body the route chose, also for HEAD, whose body is then left out.
  SetHeaders(response, traits, style, !body.empty(), extra_headers);
  if (!traits.head && status != http::status::no_content) {
    response.body() = std::move(body);
  }
  response.prepare_payload();
  return response;
}

HttpResponse::Head HttpResponse::BuildHead(const RequestTraits& traits, http::status status,
                                           const ResponseStyle& style, size_t content_length) {
  Head response(status, traits.version);
  SetHeaders(response, traits, style, content_length > 0, {});
  response.content_length(content_length);
  return response;
}

}  // namespace hubgate::gateway
