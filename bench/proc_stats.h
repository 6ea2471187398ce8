#pragma once

#include <sys/types.h>

#include <cstdint>
#include <vector>

namespace hubgate::bench {

// Figures of another process read from /proc (-1 when unreadable).
int64_t ReadRssKb(pid_t pid);        // VmRSS of /proc/<pid>/status
int64_t ReadCpuMicros(pid_t pid);    // utime + stime of /proc/<pid>/stat
// The sum over several processes (gateway replicas), unreadable ones counted as 0.
int64_t ReadCpuMicros(const std::vector<pid_t>& pids);
// Time on CPU of every thread of <pid> in microseconds, from each /proc/<pid>/task/*/schedstat
// (nanoseconds): for a process that spends a few milliseconds in a run, like Redis per batch of
// pushes, where the clock ticks of /proc/<pid>/stat would read 0.
int64_t ReadRunMicros(pid_t pid);
int64_t CountOpenFds(pid_t pid);     // entries of /proc/<pid>/fd
int64_t ReadSoftFdLimit(pid_t pid);  // "Max open files" soft limit of /proc/<pid>/limits

// This process's user + system CPU time (getrusage), in microseconds.
int64_t SelfCpuMicros();

// Raises this process's soft RLIMIT_NOFILE to its hard limit; returns the new soft limit.
int64_t RaiseFdLimit();

// Microseconds since the Unix epoch (CLOCK_REALTIME): the clock the send timestamps use, so
// several bench processes on one box agree.
int64_t RealtimeMicros();

struct LatencySummary {
  uint64_t count = 0;
  double mean_us = 0;
  uint64_t p50_us = 0;
  uint64_t p99_us = 0;
  uint64_t max_us = 0;
};

// Sorts `samples` (microseconds) in place and summarizes them.
LatencySummary Summarize(std::vector<uint32_t>& samples);

}  // namespace hubgate::bench
