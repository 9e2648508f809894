#include "broker_model/controller/acl_control.h"

#include <algorithm>
#include <set>

namespace broker_model {

ControllerResult<CreateAclsResponse> AclControl::create_acls(const MetadataImage& image, const CreateAclsRequest& req) {
  ControllerResult<CreateAclsResponse> out;
  std::set<security::AclBinding> existing;
  for (const auto& [id, acl] : image.acls()) existing.insert(acl);
  security::AclId next = image.next_acl_id();
  for (const security::AclBinding& acl : req.creations) {
    if (std::optional<std::string> why = security::validate_new_acl(acl)) {
      out.response.results.push_back({ErrorCode::kInvalidRequest, *why});
      continue;
    }
    if (existing.size() >= security::kMaxAclsTotal || out.records.size() >= kMaxRecordsPerUserOp) {
      out.response.results.push_back({ErrorCode::kInvalidRequest, "too many ACLs"});
      continue;
    }
    if (existing.insert(acl).second) out.records.push_back(AccessControlEntryRecord{next++, acl});
    out.response.results.push_back({ErrorCode::kNone, ""});
  }
  return out;
}

ControllerResult<DeleteAclsResponse> AclControl::delete_acls(const MetadataImage& image, const DeleteAclsRequest& req) {
  ControllerResult<DeleteAclsResponse> out;
  std::set<security::AclId> removed;  // two filters matching one ACL remove it once
  for (const security::AclBindingFilter& filter : req.filters) {
    DeleteAclsFilterResult result;
    for (const auto& [id, acl] : image.acls()) {
      if (!filter.matches(acl)) continue;
      if (removed.count(id) == 0 && out.records.size() >= kMaxRecordsPerUserOp) {
        result.error = ErrorCode::kInvalidRequest;  // Kafka: BoundedListTooLongException
        break;
      }
      result.deleted.push_back(acl);
      if (removed.insert(id).second) out.records.push_back(RemoveAccessControlEntryRecord{id});
    }
    out.response.results.push_back(std::move(result));
  }
  return out;
}

}  // namespace broker_model
