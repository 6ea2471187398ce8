#include "bench/proc_stats.h"

#include <dirent.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <numeric>
#include <sstream>
#include <string>

namespace hubgate::bench {
namespace {

std::string ProcPath(pid_t pid, const char* leaf) {
  return "/proc/" + std::to_string(pid) + "/" + leaf;
}

}  // namespace

int64_t ReadRssKb(pid_t pid) {
  std::ifstream in(ProcPath(pid, "status"));
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmRSS:", 0) == 0) {
      return std::stoll(line.substr(6));
    }
  }
  return -1;
}

int64_t ReadCpuMicros(pid_t pid) {
  std::ifstream in(ProcPath(pid, "stat"));
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  // The command name (field 2) may hold spaces; fields are counted after its closing ')'.
  const size_t paren = text.rfind(')');
  if (paren == std::string::npos) {
    return -1;
  }
  std::istringstream fields(text.substr(paren + 2));
  std::string field;
  int64_t utime = -1;
  int64_t stime = -1;
  for (int index = 3; fields >> field; ++index) {  // field 3 is the state
    if (index == 14) {
      utime = std::stoll(field);
    } else if (index == 15) {
      stime = std::stoll(field);
      break;
    }
  }
  if (utime < 0 || stime < 0) {
    return -1;
  }
  const long ticks = sysconf(_SC_CLK_TCK);
  return (utime + stime) * 1'000'000 / ticks;
}

int64_t ReadCpuMicros(const std::vector<pid_t>& pids) {
  int64_t sum = 0;
  for (pid_t pid : pids) {
    sum += std::max<int64_t>(0, ReadCpuMicros(pid));
  }
  return sum;
}

int64_t ReadRunMicros(pid_t pid) {
  DIR* dir = opendir(ProcPath(pid, "task").c_str());
  if (dir == nullptr) {
    return -1;
  }
  int64_t nanos = 0;
  while (dirent* entry = readdir(dir)) {
    if (entry->d_name[0] == '.') {
      continue;
    }
    std::ifstream in(ProcPath(pid, "task/") + entry->d_name + "/schedstat");
    int64_t thread_nanos = 0;
    if (in >> thread_nanos) {  // a thread may end between readdir and the read
      nanos += thread_nanos;
    }
  }
  closedir(dir);
  return nanos / 1000;
}

int64_t CountOpenFds(pid_t pid) {
  DIR* dir = opendir(ProcPath(pid, "fd").c_str());
  if (dir == nullptr) {
    return -1;
  }
  int64_t count = 0;
  while (dirent* entry = readdir(dir)) {
    if (entry->d_name[0] != '.') {
      ++count;
    }
  }
  closedir(dir);
  return count;
}

int64_t ReadSoftFdLimit(pid_t pid) {
  std::ifstream in(ProcPath(pid, "limits"));
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("Max open files", 0) == 0) {
      std::istringstream fields(line.substr(14));
      std::string soft;
      fields >> soft;
      return soft == "unlimited" ? INT64_MAX : std::stoll(soft);
    }
  }
  return -1;
}

int64_t SelfCpuMicros() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  auto micros = [](const timeval& tv) { return int64_t{tv.tv_sec} * 1'000'000 + tv.tv_usec; };
  return micros(usage.ru_utime) + micros(usage.ru_stime);
}

int64_t RaiseFdLimit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) {
    return -1;
  }
  if (limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max;
    setrlimit(RLIMIT_NOFILE, &limit);
    getrlimit(RLIMIT_NOFILE, &limit);
  }
  return static_cast<int64_t>(limit.rlim_cur);
}

int64_t RealtimeMicros() {
  timespec now{};
  clock_gettime(CLOCK_REALTIME, &now);
  return int64_t{now.tv_sec} * 1'000'000 + now.tv_nsec / 1000;
}

LatencySummary Summarize(std::vector<uint32_t>& samples) {
  LatencySummary summary;
  if (samples.empty()) {
    return summary;
  }
  std::sort(samples.begin(), samples.end());
  summary.count = samples.size();
  summary.mean_us =
      std::accumulate(samples.begin(), samples.end(), 0.0) / static_cast<double>(samples.size());
  auto at = [&](double q) {
    size_t index = static_cast<size_t>(q * static_cast<double>(samples.size() - 1) + 0.5);
    return uint64_t{samples[std::min(index, samples.size() - 1)]};
  };
  summary.p50_us = at(0.50);
  summary.p99_us = at(0.99);
  summary.max_us = samples.back();
  return summary;
}

}  // namespace hubgate::bench
