//===- Status.h - Success or error-with-message result type -----*- C++ -*-===//

#ifndef BLADE_RT_STATUS_H
#define BLADE_RT_STATUS_H

#include <string>
#include <utility>

namespace blade::rt {

/// Result of a runtime operation that can fail. The runtime never throws or
/// aborts; failures are reported through a Status carrying a one-line message.
class [[nodiscard]] Status {
public:
  /// A successful status (empty message).
  static Status ok() { return Status(); }

  /// A failed status with a human-readable `message`.
  static Status error(std::string message) {
    Status status;
    status.failed = true;
    status.msg = std::move(message);
    return status;
  }

  bool isOk() const { return !failed; }
  explicit operator bool() const { return isOk(); }

  /// The error message; empty for a successful status.
  const std::string &message() const { return msg; }

private:
  Status() = default;

  bool failed = false;
  std::string msg;
};

} // namespace blade::rt

#endif // BLADE_RT_STATUS_H
