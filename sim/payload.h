// Payload: the value a message carries, of any copyable type (a request, a response, a
// metadata record), held in one heap box. It replaces sim::Payload in envelopes and RPC
// plumbing: a message is moved through half a dozen layers between send and handler, and
// every sim::Payload move, access and destruction is an indirect call to its type's manager
// (~4% of a default run). Moving a Payload moves one pointer; reading it compares a type
// tag (one address per type, sim/type_tag.h) and casts.
//
// Determinism: the tag is compared for equality only, never ordered or hashed.
#pragma once

#include <memory>
#include <stdexcept>
#include <type_traits>
#include <utility>

#include "sim/type_tag.h"

namespace sim {

class Payload {
 public:
  Payload() = default;
  // From any copyable value, like sim::Payload.
  template <class T, class D = std::decay_t<T>, std::enable_if_t<!std::is_same_v<D, Payload>, int> = 0>
  Payload(T&& value) : box_(new Holder<D>(std::forward<T>(value))) {}  // NOLINT(google-explicit-constructor)

  Payload(const Payload& other) : box_(other.box_ ? other.box_->clone() : nullptr) {}
  Payload& operator=(const Payload& other) {
    if (this != &other) box_.reset(other.box_ ? other.box_->clone() : nullptr);
    return *this;
  }
  Payload(Payload&&) noexcept = default;
  Payload& operator=(Payload&&) noexcept = default;

  bool has_value() const { return box_ != nullptr; }

  // The value if it is a T, else nullptr.
  template <class T>
  T* get() noexcept {
    if (box_ == nullptr || box_->tag != type_tag<T>()) return nullptr;
    return &static_cast<Holder<T>*>(box_.get())->value;
  }
  template <class T>
  const T* get() const noexcept {
    return const_cast<Payload*>(this)->get<T>();
  }

 private:
  struct Box {
    explicit Box(const void* t) : tag(t) {}
    virtual ~Box() = default;
    virtual Box* clone() const = 0;
    const void* tag;
  };
  template <class T>
  struct Holder final : Box {
    template <class U>
    explicit Holder(U&& v) : Box(type_tag<T>()), value(std::forward<U>(v)) {}
    Box* clone() const override { return new Holder(value); }
    T value;
  };

  std::unique_ptr<Box> box_;
};

class BadPayloadCast : public std::logic_error {
 public:
  BadPayloadCast() : std::logic_error("payload is not of the requested type") {}
};

// std::any_cast's forms: by pointer (nullptr on a mismatch) and by value or reference
// (throws BadPayloadCast on a mismatch).
template <class T>
T* payload_cast(Payload* p) noexcept {
  return p == nullptr ? nullptr : p->get<T>();
}
template <class T>
const T* payload_cast(const Payload* p) noexcept {
  return p == nullptr ? nullptr : p->get<T>();
}
template <class T>
T payload_cast(Payload& p) {
  auto* v = p.get<std::remove_cvref_t<T>>();
  if (v == nullptr) throw BadPayloadCast();
  return static_cast<T>(*v);
}
template <class T>
T payload_cast(const Payload& p) {
  const auto* v = p.get<std::remove_cvref_t<T>>();
  if (v == nullptr) throw BadPayloadCast();
  return static_cast<T>(*v);
}

}  // namespace sim
