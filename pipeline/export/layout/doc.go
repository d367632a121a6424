// Package layout is capsule-etl's default export layout: the columns
// `capsule-etl export` writes without --mapping, and the import mapping
// that reads those files back, so `capsule-etl import` accepts them
// unchanged. One column table per entity (columns.go) gives all three: the
// header and column types, the cells of a row, and the import mapping's
// lines, so they cannot drift apart.
//
// # Export side
//
//	l, err := layout.New(layout.Parties, counts, fields, pipelines)
//	l.Header(), l.Kinds()              // column names and types
//	cells, err := l.Row(&party, cells) // *capsule.Party|Opportunity|Kase|Entry|Task
//
// counts (Counts, the max of CountsOf over the file's parties) fixes the
// numbered columns; fields (one Field{Name, Type} per custom field
// definition of the account) gives one "Field: <Name>" column each;
// pipelines maps milestone ids to pipeline names.
//
// Columns, per entity (ids are integers, dates and timestamps typed):
//
//   - parties: ID, Type (person|organisation), Name, Title, First Name,
//     Last Name, Job Title, Organisation ID, Organisation, About, Owner,
//     Team, Email N, Email N Type, Phone N, Phone N Type, Address N
//     Street|City|State|Zip|Country|Type, Website N, Website N Service,
//     Website N Type, Tags, Field: X..., Created At, Updated At, Last
//     Contacted At.
//   - opportunities: ID, Name, Description, Party ID, Party, Pipeline,
//     Milestone, Value, Currency, Probability, Expected Close On, Duration,
//     Duration Basis, Closed On, Lost Reason, Owner, Team, Tags, Field: X...,
//     Created At, Updated At, Last Contacted At.
//   - kases: ID, Name, Description, Party ID, Party, Opportunity ID,
//     Opportunity, Status, Stage, Start On, Expected Close On, Closed On,
//     Owner, Team, Tags, Field: X..., Created At, Updated At, Last Contacted At.
//   - entries: ID, Type, Subject, Content, Entry At, Creator, Activity Type,
//     Party ID, Party, Opportunity ID, Opportunity, Project ID, Project,
//     Created At, Updated At.
//   - tasks: ID, Description, Detail, Due On, Due Time, Status, Category,
//     Owner, Party ID, Party, Opportunity ID, Opportunity, Project ID,
//     Project, Completed At, Created At, Updated At.
//
// Owner is the user's username (else name); a party is named by its name,
// or a person by "First Last"; tags are joined with "; ".
//
// # Import side (the contract the importer relies on)
//
//	entity, ok := layout.Detect(header)   // ok only for a default-layout file
//	m, err := layout.Mapping(entity, header, layout.WithFieldTypes(types))
//	prog, problems := mappings.Compile(m, header) // like any user mapping
//
// Detect needs an ID column plus the columns that identify the entity;
// extra columns are allowed. Mapping fits itself to the header (numbered
// columns present, "Field: X" columns present; optional columns may be
// missing) and compiles against it with zero problems. WithFieldTypes
// (custom field name -> Capsule type, from the account's definitions) makes
// CSV text cells of number, boolean and date fields typed; pass it when
// you have the definitions. MappingYAML gives the source text.
//
// The mapping, per entity:
//
//   - parties: two records per row, `organisation` (when Type is
//     organisation, ignoring case and spaces; match [{id: ID}, name]) and
//     `person` (when Type is person; match [{id: ID}, email]); at most one
//     is written per row.
//     The person's organisation is a reference by id (Organisation ID) with
//     the name as fallback (RefOrganisation, Ref.ID): an import into the
//     same account links by id; an import into another account links to the organisation created from
//     the same file, which the importer writes first (organisations before
//     people, across the file). The export writes organisations first too.
//   - opportunities: match [{id: ID}]; party by id, else name; milestone by name in
//     the pipeline of the row's Pipeline column (pipeline: "{Pipeline}"),
//     left out when the file has no Pipeline column.
//   - kases (entity project): match [{id: ID}]; party and opportunity by
//     id, else name.
//   - entries (entity note): only rows whose Type is note or blank; match
//     [{id: ID}]; party, opportunity, kase (Project ID / Project columns) by
//     id, else name.
//   - tasks: match [{id: ID}]; category and owner by name; party,
//     opportunity, kase by id, else name.
//
// Links by id, else name: each link reads `{column: Party, id: Party ID}`
// (when the file has both columns). The importer uses the id when that
// record exists in the account, so people sharing a name are told apart on
// a re-import, and falls back to the name when it does not.
//
// Text columns take off the CSV formula guard (transform unguard). List
// items keep the exported text (transform [unguard, trim] instead of the
// automatic email/phone/url/country normalisation), so Eval of an exported
// row gives the record's writable fields. Matching on id makes a re-import
// into the same account update (or leave unchanged); in another account the
// id finds nothing and the record is created. This relies on Capsule ids
// being unique across accounts (true of Capsule; NOT of two sandboxes, whose
// ids both start at 1, so import a sandbox export only into an empty
// sandbox or the same one). Read-only columns (Created At, Stage, Subject,
// Closed On...) are ignored on import.
package layout
