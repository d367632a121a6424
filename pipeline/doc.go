// Package pipeline holds the two directions of a bulk run between files and
// Capsule CRM, each in its own package; the two share no code, only the
// subpackages below.
//
//   - importer (files -> Capsule): reads each input through formats/files,
//     compiles a mapping against its header, plans every row against an
//     index of the account (create, update only what differs, unchanged,
//     skip, reject), writes the plan through the journal so a rerun never
//     duplicates, reconciles writes in doubt, and writes an errors file of
//     the refused rows. A dry run plans exactly what the real run sends.
//   - export (Capsule -> files): pages each entity (parties, opportunities,
//     kases, entries, tasks) and writes it in the default layout or through
//     a mapping, to CSV, XLSX (one sheet per entity), Parquet or JSON Lines;
//     incremental runs resume from a state file and report deletions.
//   - journal: the durable SQLite record of import runs (ops, source key ->
//     id memory, the account index, manifests for rollback).
//   - rollback: undoes an import run from its journal manifest.
//
// Tests that need both directions (export, then import the files back) are
// in pipeline/integration.
package pipeline
