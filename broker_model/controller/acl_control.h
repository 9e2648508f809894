// AclControl: the active controller's side of CreateAcls and DeleteAcls (Kafka's
// metadata/src/main/java/org/apache/kafka/controller/AclControlManager.java). Each new ACL is
// validated (validateNewAcl) and written as an AccessControlEntryRecord with a fresh id; an ACL
// that already exists is not written again but still answered as created (existingAcls). Each
// DeleteAcls filter removes every ACL it matches with a RemoveAccessControlEntryRecord. Every
// broker applies these records to its authorizer when its metadata fetch brings them.
#pragma once

#include "broker_model/controller/controller_messages.h"
#include "broker_model/controller/controller_result.h"
#include "broker_model/controller/metadata_image.h"

namespace broker_model {

class AclControl {
 public:
  // Kafka's QuorumController.MAX_RECORDS_PER_USER_OP bounds one request's records.
  static constexpr size_t kMaxRecordsPerUserOp = 10'000;

  static ControllerResult<CreateAclsResponse> create_acls(const MetadataImage& image, const CreateAclsRequest& req);
  static ControllerResult<DeleteAclsResponse> delete_acls(const MetadataImage& image, const DeleteAclsRequest& req);
};

}  // namespace broker_model
