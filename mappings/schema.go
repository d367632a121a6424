package mappings

import _ "embed"

// Schema is the JSON Schema (draft 2020-12) of the mapping format, for
// editors: point yaml-language-server at it with
//
//	# yaml-language-server: $schema=https://.../mappings/schema.json
//
// A test keeps it in step with the keys the parser accepts.
//
//go:embed schema.json
var Schema []byte
