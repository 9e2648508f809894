// SASL authentication, as far as it matters to the authorizer: a connection carries the
// principal its client authenticated as. Kafka's client runs SaslHandshake and
// SaslAuthenticate (KIP-43, KIP-152) as the first requests on every new connection, and the
// broker's channel keeps the authenticated KafkaPrincipal for every later request on it
// (RequestContext.principal). eddy sends one SaslAuthenticate message first on each new
// connection of a client that has credentials (RpcEndpoint::set_sasl_principal); the
// connection's order puts it before every request, and the broker binds the principal to the
// connection. The credential exchange itself (SCRAM's two extra round trips) is not modelled:
// the claimed principal is trusted, and its cost is that one message.
#pragma once

#include <string>

#include "sim/symbol.h"

namespace broker_model {

inline const sim::Symbol kSaslAuthenticateRpc{"SaslAuthenticate"};

struct SaslAuthenticateRequest {
  std::string principal;  // "User:alice"
};

inline uint32_t sasl_authenticate_bytes(const SaslAuthenticateRequest& r) {
  return 64 + static_cast<uint32_t>(r.principal.size());  // header, mechanism, SCRAM client-first message
}

}  // namespace broker_model
