// Runs a shell command for the CLI tests and returns its exit code and its output (stdout and
// stderr together). Shared by the tests that drive the eddy binary.
#pragma once

#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <string>
#include <sys/wait.h>

namespace eddy_test {

struct Result {
  int exit_code;
  std::string out;
};

inline Result shell(const std::string& cmd) {
  FILE* p = popen((cmd + " 2>&1").c_str(), "r");
  EXPECT_NE(p, nullptr);
  std::string out;
  if (p == nullptr) return {-1, out};
  std::array<char, 4096> buf;
  size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), p)) > 0) out.append(buf.data(), n);
  int status = pclose(p);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

}  // namespace eddy_test
