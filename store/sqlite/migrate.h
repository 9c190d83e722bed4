// SPDX-License-Identifier: MPL-2.0
// Schema creation and migration (schema.h documents the tables). Internal to
// store/sqlite.
#pragma once

#include "app/base/status.h"
#include "store/sqlite/connection.h"

namespace crashbox::store::sqlite {

// Brings the file to kSchemaVersion in one write transaction: runs every
// migration past PRAGMA user_version, then AddMissingColumns(). A fresh file
// (version 0) gets the whole schema. kInvalidArgument when the file's
// version is newer than this build's.
Status Migrate(Connection& c);
// Adds a column for each CrashColumns() entry the crashes table lacks (the
// field table grew since the file was made). Call inside a transaction.
Status AddMissingColumns(Connection& c);
// Drops every table of the index and recreates the schema: an empty index.
Status ResetSchema(Connection& c);

}  // namespace crashbox::store::sqlite
