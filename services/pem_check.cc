#include "services/pem_check.h"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <memory>

namespace hubgate::services {
namespace {

struct BioFree {
  void operator()(BIO* bio) const { BIO_free(bio); }
};
struct X509Free {
  void operator()(X509* certificate) const { X509_free(certificate); }
};
struct KeyFree {
  void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};
using BioPtr = std::unique_ptr<BIO, BioFree>;
using X509Ptr = std::unique_ptr<X509, X509Free>;
using KeyPtr = std::unique_ptr<EVP_PKEY, KeyFree>;

BioPtr ReadOnlyBio(std::string_view pem) {
  return BioPtr(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
}

X509Ptr ReadCertificate(BIO* bio) {
  return X509Ptr(PEM_read_bio_X509(bio, nullptr, nullptr, nullptr));
}

KeyPtr ReadPrivateKey(std::string_view pem) {
  BioPtr bio = ReadOnlyBio(pem);
  // No passphrase callback: an encrypted key is not usable by gRPC either.
  return KeyPtr(bio ? PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr) : nullptr);
}

}  // namespace

absl::Status CheckCertificates(std::string_view pem) {
  const absl::Status invalid = absl::InvalidArgumentError("holds no valid certificate");
  BioPtr bio = ReadOnlyBio(pem);
  if (!bio) {
    return invalid;
  }
  int certificates = 0;
  while (X509Ptr certificate = ReadCertificate(bio.get())) {
    ++certificates;
  }
  // The loop ends at the end of the text (PEM_R_NO_START_LINE) or at a block that does not parse.
  const unsigned long error = ERR_peek_last_error();
  const bool clean_end =
      ERR_GET_LIB(error) == ERR_LIB_PEM && ERR_GET_REASON(error) == PEM_R_NO_START_LINE;
  ERR_clear_error();
  return certificates > 0 && clean_end ? absl::OkStatus() : invalid;
}

absl::Status CheckPrivateKey(std::string_view pem) {
  const bool valid = ReadPrivateKey(pem) != nullptr;
  ERR_clear_error();
  return valid ? absl::OkStatus() : absl::InvalidArgumentError("holds no valid private key");
}

absl::Status CheckKeyMatchesCertificate(std::string_view key_pem, std::string_view cert_pem) {
  KeyPtr key = ReadPrivateKey(key_pem);
  BioPtr bio = ReadOnlyBio(cert_pem);
  X509Ptr certificate = bio ? ReadCertificate(bio.get()) : nullptr;
  const bool matches = key && certificate && X509_check_private_key(certificate.get(), key.get());
  ERR_clear_error();
  return matches ? absl::OkStatus()
                 : absl::InvalidArgumentError("does not belong to the certificate");
}

}  // namespace hubgate::services
