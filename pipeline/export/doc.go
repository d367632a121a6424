// Package export runs exports (Capsule -> files): Export pages the entities
// Options names, with the client's pacer, into a spool, then writes each in
// the default layout (pipeline/export/layout) or through a mapping's reverse
// program. See Options for incremental runs and deleted records.
package export
