// The loader's side of `security:` (scenarios/README.md, docs/security.md): principals, ACL
// entries, super users and timed grant/revoke changes, each checked with a located error.
#pragma once

#include <string>
#include <string_view>

#include "scenarios/scenario_spec.h"
#include "scenarios/yaml_reader.h"

namespace scenarios {

// Limits: ACL entries and changes a scenario may list.
inline constexpr size_t kSecurityAclsMax = 1'000;
inline constexpr size_t kSecurityChangesMax = 1'000;

// `security:`; `duration` bounds the changes' `at`.
SecuritySpec read_security(const YamlValue& v, sim::Duration duration);
// A principal "Type:name" (producers[i].principal, consumers[i].principal, super_users[i]).
std::string read_principal(const YamlValue& v, std::string_view path);

}  // namespace scenarios
