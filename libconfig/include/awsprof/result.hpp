// Status and Result: how libconfig functions report failure without throwing or printing.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace awsprof {

/// Success, or an error message that names what failed (a path, a key) and why.
class Status {
 public:
  Status() = default;
  static Status error(std::string message) { return Status(std::move(message)); }
  bool ok() const { return !message_.has_value(); }
  explicit operator bool() const { return ok(); }
  const std::string& message() const { return *message_; }

 private:
  explicit Status(std::string message) : message_(std::move(message)) {}
  std::optional<std::string> message_;
};

/// A value of type T, or an error message.
template <typename T>
class Result {
 public:
  Result(T value) : state_(std::in_place_index<0>, std::move(value)) {}  // NOLINT: implicit, like std::expected
  static Result error(std::string message) { return Result(ErrorTag{}, std::move(message)); }
  bool ok() const { return state_.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& value() { return std::get<0>(state_); }
  const T& value() const { return std::get<0>(state_); }
  T& operator*() { return value(); }
  const T& operator*() const { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  const std::string& message() const { return std::get<1>(state_); }
  Status status() const { return ok() ? Status() : Status::error(message()); }

 private:
  struct ErrorTag {};
  Result(ErrorTag, std::string message) : state_(std::in_place_index<1>, std::move(message)) {}
  std::variant<T, std::string> state_;
};

/// A value of type T, or an error of type E with a to_string() (a service call's error, say, whose
/// fields a caller looks at).
template <typename T, typename E>
class Expected {
 public:
  Expected(T value) : state_(std::in_place_index<0>, std::move(value)) {}  // NOLINT: implicit
  Expected(E error) : state_(std::in_place_index<1>, std::move(error)) {}  // NOLINT: implicit
  bool ok() const { return state_.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& value() { return std::get<0>(state_); }
  const T& value() const { return std::get<0>(state_); }
  T& operator*() { return value(); }
  const T& operator*() const { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  const E& error() const { return std::get<1>(state_); }
  Status status() const { return ok() ? Status() : Status::error(error().to_string()); }

 private:
  std::variant<T, E> state_;
};

}  // namespace awsprof
