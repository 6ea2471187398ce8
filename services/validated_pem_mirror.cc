#include "services/validated_pem_mirror.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "hubcore/file_text.h"
#include "services/pem_check.h"
#include "spdlog/spdlog.h"

namespace hubgate::services {
namespace {

constexpr char kCertificateName[] = "cert.pem";
constexpr char kKeyName[] = "key.pem";
constexpr char kCaName[] = "ca.pem";
constexpr char kCurrentLink[] = "current";

absl::StatusOr<std::string> ReadBounded(const std::string& path) {
  absl::StatusOr<std::string> contents = hubcore::ReadFileText(path, kMaxPemFileBytes);
  // Short texts: the caller puts the setting and the path in front.
  if (absl::IsResourceExhausted(contents.status())) {
    return absl::ResourceExhaustedError("is larger than 1 MiB");
  }
  if (!contents.ok()) {
    return absl::Status(contents.status().code(), "cannot be read");
  }
  if (contents->empty()) {
    return absl::InvalidArgumentError("is empty");
  }
  return contents;
}

absl::StatusOr<std::string> ReadIfConfigured(const PemSource& source) {
  if (source.path.empty()) {
    return std::string();
  }
  return ReadBounded(source.path);
}

// `verdict` as an error naming the setting and the file, never the contents.
absl::Status Named(const PemSource& source, const absl::Status& verdict) {
  if (verdict.ok()) {
    return verdict;
  }
  return absl::InvalidArgumentError(
      absl::StrCat(source.setting, ": ", source.path, " ", verdict.message()));
}

bool SameRead(const absl::StatusOr<std::string>& a, const absl::StatusOr<std::string>& b) {
  if (a.ok() != b.ok()) {
    return false;
  }
  return a.ok() ? *a == *b : a.status() == b.status();
}

absl::Status Errno(const char* what, const std::string& path) {
  return absl::InternalError(absl::StrCat(what, " ", path, ": ", std::strerror(errno)));
}

// Writes `contents` to a new file of mode 0600 whose modification time is `modified`.
absl::Status WritePrivateFile(const std::string& path, std::string_view contents,
                              std::time_t modified) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    return Errno("cannot create", path);
  }
  size_t written = 0;
  while (written < contents.size()) {
    const ssize_t n = ::write(fd, contents.data() + written, contents.size() - written);
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n <= 0) {
      absl::Status error = Errno("cannot write", path);
      ::close(fd);
      return error;
    }
    written += static_cast<size_t>(n);
  }
  const timespec times[2] = {{modified, 0}, {modified, 0}};
  const bool timed = ::futimens(fd, times) == 0;
  absl::Status error = timed ? absl::OkStatus() : Errno("cannot set the time of", path);
  if (::close(fd) != 0 && error.ok()) {
    error = Errno("cannot close", path);
  }
  return error;
}

}  // namespace

bool ValidatedPemMirror::Snapshot::SameAs(const Snapshot& other) const {
  return SameRead(certificate, other.certificate) && SameRead(key, other.key) &&
         SameRead(ca, other.ca);
}

absl::StatusOr<std::unique_ptr<ValidatedPemMirror>> ValidatedPemMirror::Create(
    PemSourceSet sources, const std::string& parent) {
  std::string pattern = parent + "/hubgate-pem-XXXXXX";
  if (::mkdtemp(pattern.data()) == nullptr) {
    return Errno("cannot make a directory for the validated certificates in", parent);
  }
  std::unique_ptr<ValidatedPemMirror> mirror(
      new ValidatedPemMirror(std::move(sources), std::move(pattern)));
  Snapshot snapshot = mirror->Read();
  absl::Status check = mirror->Check(snapshot);
  if (!check.ok()) {
    return check;
  }
  absl::Status published = mirror->Publish(snapshot);
  if (!published.ok()) {
    return published;
  }
  mirror->last_read_ = std::move(snapshot);
  return mirror;
}

ValidatedPemMirror::ValidatedPemMirror(PemSourceSet sources, std::string directory)
    : sources_(std::move(sources)), directory_(std::move(directory)) {}

ValidatedPemMirror::~ValidatedPemMirror() {
  std::error_code ignored;
  std::filesystem::remove_all(directory_, ignored);
}

ValidatedPemMirror::RefreshResult ValidatedPemMirror::Refresh() {
  Snapshot snapshot = Read();
  if (last_read_.has_value() && snapshot.SameAs(*last_read_)) {
    return RefreshResult::kUnchanged;
  }
  absl::Status verdict = Check(snapshot);
  if (verdict.ok()) {
    verdict = Publish(snapshot);
  }
  last_read_ = std::move(snapshot);
  if (!verdict.ok()) {
    last_rejection_ = verdict;
    spdlog::error("{}: certificates not reloaded, new TLS handshakes keep the previous ones: {}",
                  sources_.name, std::string(verdict.message()));
    return RefreshResult::kRejected;
  }
  last_rejection_ = absl::OkStatus();
  spdlog::info("{}: certificates reloaded; new TLS handshakes use them", sources_.name);
  return RefreshResult::kPublished;
}

std::string ValidatedPemMirror::certificate_path() const {
  return PathInCurrent(sources_.certificate, kCertificateName);
}

std::string ValidatedPemMirror::key_path() const {
  return PathInCurrent(sources_.key, kKeyName);
}

std::string ValidatedPemMirror::ca_path() const { return PathInCurrent(sources_.ca, kCaName); }

ValidatedPemMirror::Snapshot ValidatedPemMirror::Read() const {
  return Snapshot{ReadIfConfigured(sources_.certificate), ReadIfConfigured(sources_.key),
                  ReadIfConfigured(sources_.ca)};
}

absl::Status ValidatedPemMirror::Check(const Snapshot& snapshot) const {
  const std::pair<const PemSource*, const absl::StatusOr<std::string>*> files[] = {
      {&sources_.certificate, &snapshot.certificate},
      {&sources_.key, &snapshot.key},
      {&sources_.ca, &snapshot.ca}};
  for (const auto& [source, contents] : files) {
    if (!contents->ok()) {
      return Named(*source, contents->status());
    }
  }
  if (!sources_.certificate.path.empty()) {
    absl::Status check = Named(sources_.certificate, CheckCertificates(*snapshot.certificate));
    if (!check.ok()) return check;
    check = Named(sources_.key, CheckPrivateKey(*snapshot.key));
    if (!check.ok()) return check;
    check = Named(sources_.key, CheckKeyMatchesCertificate(*snapshot.key, *snapshot.certificate));
    if (!check.ok()) return check;
  }
  if (!sources_.ca.path.empty()) {
    return Named(sources_.ca, CheckCertificates(*snapshot.ca));
  }
  return absl::OkStatus();
}

absl::Status ValidatedPemMirror::Publish(const Snapshot& snapshot) {
  // A modification time later than the previous version's, even within one second: gRPC
  // compares whole seconds before and after reading the key and the certificate.
  last_modification_time_ = std::max(std::time(nullptr), last_modification_time_ + 1);
  const std::string version = absl::StrCat("v", version_ + 1);
  const std::string version_directory = absl::StrCat(directory_, "/", version);
  if (::mkdir(version_directory.c_str(), 0700) != 0) {
    return Errno("cannot make", version_directory);
  }
  const std::pair<const char*, const absl::StatusOr<std::string>*> files[] = {
      {kCertificateName, &snapshot.certificate},
      {kKeyName, &snapshot.key},
      {kCaName, &snapshot.ca}};
  for (const auto& [name, contents] : files) {
    if (contents->value().empty()) {
      continue;  // not configured
    }
    absl::Status written = WritePrivateFile(absl::StrCat(version_directory, "/", name),
                                            contents->value(), last_modification_time_);
    if (!written.ok()) {
      std::error_code ignored;
      std::filesystem::remove_all(version_directory, ignored);
      return written;
    }
  }
  const std::string next_link = absl::StrCat(directory_, "/", kCurrentLink, ".next");
  const std::string current_link = absl::StrCat(directory_, "/", kCurrentLink);
  ::unlink(next_link.c_str());
  // The swap: a reader resolves `current` either to the previous version or to this one.
  if (::symlink(version.c_str(), next_link.c_str()) != 0 ||
      ::rename(next_link.c_str(), current_link.c_str()) != 0) {
    absl::Status error = Errno("cannot point the symlink at", version_directory);
    std::error_code ignored;
    std::filesystem::remove_all(version_directory, ignored);
    return error;
  }
  if (version_ > 0) {
    std::error_code ignored;
    std::filesystem::remove_all(absl::StrCat(directory_, "/v", version_), ignored);
  }
  ++version_;
  return absl::OkStatus();
}

std::string ValidatedPemMirror::PathInCurrent(const PemSource& source,
                                              const char* file_name) const {
  if (source.path.empty()) {
    return std::string();
  }
  return absl::StrCat(directory_, "/", kCurrentLink, "/", file_name);
}

}  // namespace hubgate::services
