package mappings

// Mapping is a parsed mapping file: what the YAML says, with positions, before
// it is checked against an input header and compiled.
type Mapping struct {
	File     string
	Version  int
	Source   SourceOptions
	Defaults Defaults
	Records  []*RecordSpec
}

// SourceOptions describe how to read the input; every field is optional.
type SourceOptions struct {
	Delimiter string // CSV delimiter, one character
	Encoding  string // CSV text encoding, e.g. windows-1252
	Sheet     string // XLSX sheet name
	HeaderRow int    // 1-based row holding the header; 0 = detect
	Key       *Spec  // column identifying a source row across runs
}

// Defaults apply to every record unless the record or field says otherwise.
type Defaults struct {
	PhoneRegion string // ISO region for numbers without a country code, e.g. GB
	// PhoneRegionGuessed marks PhoneRegion as a guess (init writes it):
	// numbers without a country code are then kept as written, with a
	// warning, instead of being read in a region nobody confirmed.
	PhoneRegionGuessed bool
	// Duplicates says what a later row that resolves to the same record as
	// an earlier row does: merge (the first row wins; the later one adds
	// only what the first leaves empty), skip or reject.
	Duplicates string
	DateFormat string // Go layout for dates, e.g. 02/01/2006
	Locale     string // number locale: en (1,234.5) or de/fr/es/it/nl/pt (1.234,5)
	Currency   string // ISO currency for opportunity values
	OnMatch    string // update | skip | error
	OnNoMatch  string // create | skip
	Lists      string // merge | append | replace
	Pos        Pos
}

// RecordSpec is one named record written per row.
type RecordSpec struct {
	Name       string
	Pos        Pos
	Entity     string // as written: person, organisation, opportunity, project, note, task
	EntityPos  Pos
	When       *Spec // condition (an expression), nil = always
	Match      []MatchSpec
	OnMatch    string
	OnNoMatch  string
	Duplicates string            // merge | skip | reject; "" = defaults.duplicates, else merge
	Lists      map[string]string // list field -> mode; key "" is the record default
	Fields     []*FieldSpec
}

// MatchSpec is one key used to find an existing record.
type MatchSpec struct {
	Kind  MatchKind
	Field string // custom field name for MatchField
	Src   *Spec  // source of the Capsule id for MatchID
	Pos   Pos
}

// FieldSpec is one Capsule field of a record.
type FieldSpec struct {
	Name   string
	Pos    Pos
	Path   string
	Value  *Spec          // scalar fields, links, owner, milestone
	Items  [][]*FieldSpec // list fields: one entry per item, sub-fields in file order
	Multi  []*Spec        // tags: one source per column
	Custom []*FieldSpec   // custom fields by name
	Sub    []*FieldSpec   // value: amount, currency
}

// Spec says where one value comes from and how it is shaped.
type Spec struct {
	Pos  Pos
	Path string

	Column   string // header name
	Index    int    // 1-based column position, 0 = by name
	HasConst bool
	Const    string
	Expr     string
	Template string
	Record   string // reference to another record of the same row

	exprPos    Pos  // where the expression text starts
	exprQuoted bool // the expression was quoted, so column offsets shift by one

	Transforms     []TransformSpec
	Type           string // string, number, decimal, integer, boolean, date, timestamp
	Locale         string
	Formats        []string
	Region         string
	Default        *string
	Map            []MapEntry
	Other          *string // lookup fallback (_other)
	RejectUnmapped bool
	Split          string
	Join           string
	Pipeline       string
	ID             string // links: column holding the linked record's Capsule id
	Reverse        *ReverseSpec
}

// TransformSpec is one named step with its arguments.
type TransformSpec struct {
	Name string
	Args []string
	Pos  Pos
}

// MapEntry is one row of a lookup table.
type MapEntry struct{ From, To string }

// ReverseSpec is the export direction of a computed value: the column it goes
// to and, optionally, an expression over `value` giving the cell.
type ReverseSpec struct {
	Column string
	Expr   string
	Pos    Pos
}
