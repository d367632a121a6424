// Package mappings reads, checks and runs capsule-etl mappings: declarative
// YAML that turns rows of a file into Capsule CRM records and back. The
// language is described for users in REFERENCE.md; the JSON Schema for
// editors is embedded as Schema.
//
// # Import direction
//
//	m, problems := mappings.Parse(yamlBytes, filename)     // every YAML/structure problem at once
//	prog, more := mappings.Compile(m, header)             // header may be nil: no column checks
//	problems = mappings.Merge(problems, more)
//	if problems.HasErrors() { ... print each problem, exit 2 ... }
//	for each record rec of the file {
//	    ops, rowErrs := prog.Eval(rec)
//	}
//
// Problem renders as "file:line:col: path: message (hint)". Parse returns a
// Mapping even with problems (as far as it could be read); Compile returns a
// nil Program when any problem is an error. Warnings never block.
//
// Eval returns one Op per record of the mapping, in dependency order
// (Program.Records: organisations, then people, then opportunities and
// projects, then notes and tasks, adjusted so that every record comes after
// the ones it refers to). For each Op:
//
//   - Record, Entity (party, opportunity, kase, entry, task) and PartyType
//     (person or organisation for parties).
//   - Skipped: the record's `when` was false; nothing to write, and references
//     to it from other ops of the row are dropped.
//   - Body: the Capsule JSON body without its wrapper key, ready to send:
//     party "type" and entry "type": "note" are set; tags are [{"name": ...}];
//     custom fields are [{"definition": {"name": ...}, "value": ...}]; list
//     fields are arrays of objects; addresses carry Capsule country names;
//     dates are "YYYY-MM-DD", timestamps "YYYY-MM-DDThh:mm:ssZ", numbers
//     json.Number. Blank values are left out, so an update never blanks data.
//   - Refs: body fields the importer must resolve and set to {"id": n} before
//     writing. Kind RefRecord names another op of the same row (Record);
//     the other kinds name something to look up in the account (Name, and
//     Pipeline for milestones): organisation/party/opportunity/kase by name,
//     owner by user name or email, team, lostReason, category.
//   - Match: ordered keys with computed values (email lower-cased, phone
//     E.164, name, custom field name+value, Capsule id); keys blank in this
//     row are omitted. OnMatch is update|skip|error, OnNoMatch create|skip.
//     People default to [email], organisations to [name], others to none.
//   - Lists: update semantics (merge|append|replace) of each list field
//     (emailAddresses, phoneNumbers, addresses, websites, tags, fields).
//   - SourceKey: the source.key column's value, "" without one.
//   - Missing: fields Capsule requires on create that the row left empty
//     (reject the row if the op would create).
//   - Errors: RowError{Record, Field (mapping path), Column, Message} for
//     values that could not be read; any makes the whole row rejected. The
//     same errors are returned together as rowErrs.
//
// Program is safe for concurrent Eval; per-row scratch space is pooled.
//
// # Export direction
//
//	exp, warnings := prog.Reverse("person")   // "" = first person record, else the richest
//	exp.Header                                // the export's columns
//	cells, err := exp.Row(capsuleRecord)      // map[string]any as decoded from the API
//
// Columns come from the record's column-fed fields in mapping order, and
// from the records it links to with {record: ...} through the nested link
// (a person's organisation name). Lookup tables are read backwards (the
// first listed source value wins when several map to one Capsule value);
// list items take the n-th element of their type; a split column gets all
// elements joined; several tag columns get one tag each; dates and numbers
// are written in the mapping's layout and locale so the file re-imports to
// the same values. A milestone's pipeline read from a column
// (pipeline: "{Column}") is written to that column from
// milestone.pipeline.name, which the caller adds to the record. Expressions need `reverse:`, else they are left out with
// a warning; single-column templates are undone automatically.
//
// # Drafts
//
// Draft(header, sample, DraftOptions{Entity: "person"}) writes a starting
// mapping for `capsule-etl init`, recognising common export and
// other-language header names; the draft validates against that header.
package mappings
