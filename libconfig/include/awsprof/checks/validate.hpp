// validate: every problem in a config and credentials file, in one pass.
//
// Structure (duplicates, headers, names), schema (keys and values against the settings
// catalogue), semantics (source_profile chains, SSO, credential_process) and the places where the
// AWS CLI and the SDKs read the files differently. The rule ids and their rationale are in the
// registry (rules.hpp) and docs/rules.md.
#pragma once

#include "awsprof/support/diagnostic.hpp"
#include "awsprof/model/profile_model.hpp"
#include "awsprof/model/settings_catalogue.hpp"

namespace awsprof {

/// Checks the two files, read in `dialect`, against `catalogue`. Every finding has the file's
/// path, a 1-based line and column (0 for the whole file), a severity, a rule id from the
/// registry, and a message that never contains a secret value. Findings are sorted by file
/// (config, then credentials), line and column. A missing file (document == nullptr) is empty.
Diagnostics validate(const InputFile& config, const InputFile& credentials, Dialect dialect,
                     const SettingsCatalogue& catalogue);

}  // namespace awsprof
