// The scenario file as a YAML document with its includes merged, before validation (for
// loaders that lay a file over a document of their own, like the OMB import).
#pragma once

#include <string>

#include "scenarios/yaml_reader.h"

namespace scenarios {

// Throws LoadFailure (located) when the file or one of its includes cannot be read or parsed.
YamlValue read_scenario_document(const std::string& path);

}  // namespace scenarios
