package layout

import (
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/capsule-etl/capsule-etl/formats"
	"github.com/capsule-etl/capsule-etl/mappings"
)

// Option tunes Mapping.
type Option func(*mapConfig)

type mapConfig struct{ types map[string]string }

// WithFieldTypes gives the Capsule type (text, number, boolean, date, list)
// of custom fields by name, so "Field: X" cells of a CSV (all text) are sent
// as numbers, booleans and dates. Without it the values are sent as text,
// except cells a spreadsheet or Parquet file already typed.
func WithFieldTypes(types map[string]string) Option {
	return func(c *mapConfig) { c.types = types }
}

// Mapping returns the import mapping of a file in the default layout of
// entity (see Detect), fitted to the columns header really has: numbered
// list columns and "Field: X" columns are read from it, and missing optional
// columns are left out, so a file trimmed in a spreadsheet still imports.
// The mapping is parsed but not compiled: compile it like any user mapping.
func Mapping(entity string, header *formats.Header, opts ...Option) (*mappings.Mapping, error) {
	src, err := MappingYAML(entity, header, opts...)
	if err != nil {
		return nil, err
	}
	m, probs := mappings.Parse(src, "default-"+entity+".yaml", mappings.WithEnv(func(string) (string, bool) { return "", false }))
	if probs.HasErrors() {
		return nil, fmt.Errorf("default layout mapping for %s: %w", entity, probs)
	}
	return m, nil
}

// MappingYAML is Mapping's source text, for users who want to start their
// own mapping from it.
func MappingYAML(entity string, header *formats.Header, opts ...Option) ([]byte, error) {
	if header == nil {
		return nil, fmt.Errorf("default layout mapping for %s: no header", entity)
	}
	var cfg mapConfig
	for _, o := range opts {
		o(&cfg)
	}
	g := &gen{h: header, cfg: cfg}
	g.line(0, "version: 1")
	g.line(0, "# Import mapping of the capsule-etl default export layout (%s).", entity)
	if g.has("ID") {
		// Rows are known by their exported id across runs and files: the
		// journal maps each source id to the record created for it, so
		// reruns and links from other files find that record, not one
		// with the same name or number in this account.
		g.line(0, "source: {key: ID}")
	}
	g.line(0, "records:")
	switch entity {
	case Parties:
		partyTable.mapping(g)
	case Opportunities:
		opportunityTable.mapping(g)
	case Kases:
		kaseTable.mapping(g)
	case Entries:
		entryTable.mapping(g)
	case Tasks:
		taskTable.mapping(g)
	default:
		return nil, fmt.Errorf("unknown entity %q: use %s", entity, strings.Join(All, ", "))
	}
	if !g.has("ID") {
		return nil, fmt.Errorf("default layout mapping for %s: the file has no ID column", entity)
	}
	return []byte(g.b.String()), nil
}

type gen struct {
	h   *formats.Header
	cfg mapConfig
	b   strings.Builder
}

func (g *gen) line(indent int, format string, args ...any) {
	g.b.WriteString(strings.Repeat("  ", indent))
	fmt.Fprintf(&g.b, format, args...)
	g.b.WriteByte('\n')
}

func (g *gen) has(col string) bool { _, ok := g.h.Index(col); return ok }

// col maps a typed column (date, number, enum) when the file has it.
func (g *gen) col(field, column string) {
	if g.has(column) {
		g.line(3, "%s: {column: %s}", field, q(column))
	}
}

// text maps a text column when the file has it, taking off the ' the CSV
// writer put before formula-looking text.
func (g *gen) text(field, column string) {
	if g.has(column) {
		g.line(3, "%s: {column: %s, transform: [unguard]}", field, q(column))
	}
}

// kept is a value source that keeps the exported text as it is: the
// explicit transforms replace the automatic email/phone/url/country
// normalisation, so a round trip gives back the stored values.
func kept(column string) string { return "{column: " + q(column) + ", transform: [unguard, trim]}" }

// mapping writes t's records, each with the fields its columns feed, in
// column order.
func (t *table[T]) mapping(g *gen) {
	for _, rec := range t.records {
		g.line(1, "%s:", rec.name)
		g.line(2, "entity: %s", rec.name)
		if rec.when != "" && (rec.whenCol == "" || g.has(rec.whenCol)) {
			g.line(2, "when: %s", rec.when)
		}
		g.line(2, "match: %s", rec.match)
		g.line(2, "fields:")
		for _, c := range t.columns {
			if c.imp != nil && (c.record == "" || c.record == rec.name) {
				c.imp(g, c.name)
			}
		}
	}
}

// The numbered list columns of parties, present in the file.

func emailMapping(g *gen, _ string) {
	g.list("emailAddresses", `^Email (\d+)$`, func(n string) string {
		return fmt.Sprintf("{address: %s, type: {column: %s}}", kept("Email "+n), q("Email "+n+" Type"))
	}, "Email %s Type")
}

func phoneMapping(g *gen, _ string) {
	g.list("phoneNumbers", `^Phone (\d+)$`, func(n string) string {
		return fmt.Sprintf("{number: %s, type: {column: %s}}", kept("Phone "+n), q("Phone "+n+" Type"))
	}, "Phone %s Type")
}

func addressMapping(g *gen, _ string) {
	g.list("addresses", `^Address (\d+) Street$`, func(n string) string {
		parts := make([]string, 0, len(addressParts))
		for _, p := range addressParts {
			c := "Address " + n + " " + p
			if !g.has(c) {
				continue
			}
			src := kept(c)
			if p == "Type" {
				src = "{column: " + q(c) + "}"
			}
			parts = append(parts, strings.ToLower(p)+": "+src)
		}
		return "{" + strings.Join(parts, ", ") + "}"
	}, "")
}

func websiteMapping(g *gen, _ string) {
	g.list("websites", `^Website (\d+)$`, func(n string) string {
		s := "{address: " + kept("Website "+n)
		if c := "Website " + n + " Service"; g.has(c) {
			s += ", service: {column: " + q(c) + "}"
		}
		if c := "Website " + n + " Type"; g.has(c) {
			s += ", type: {column: " + q(c) + "}"
		}
		return s + "}"
	}, "")
}

// list writes one item per numbered column group found in the header, in
// number order.
func (g *gen) list(field, pattern string, item func(n string) string, typeCol string) {
	re := regexp.MustCompile(pattern)
	var nums []int
	for _, name := range g.h.Names() {
		if m := re.FindStringSubmatch(strings.TrimSpace(name)); m != nil {
			n, _ := strconv.Atoi(m[1])
			nums = append(nums, n)
		}
	}
	if len(nums) == 0 {
		return
	}
	sort.Ints(nums)
	g.line(3, "%s:", field)
	for _, n := range nums {
		s := item(strconv.Itoa(n))
		if typeCol != "" && !g.has(fmt.Sprintf(typeCol, strconv.Itoa(n))) {
			s = strings.Replace(s, fmt.Sprintf(", type: {column: %s}", q(fmt.Sprintf(typeCol, strconv.Itoa(n)))), "", 1)
		}
		g.line(4, "- %s", s)
	}
}

func (g *gen) tagsFields() {
	if g.has("Tags") {
		g.line(3, `tags: {column: Tags, split: ";", transform: [unguard, trim]}`)
	}
	var custom []string
	for _, name := range g.h.Names() {
		if strings.HasPrefix(name, FieldPrefix) && strings.TrimSpace(name[len(FieldPrefix):]) != "" {
			custom = append(custom, name)
		}
	}
	if len(custom) == 0 {
		return
	}
	g.line(3, "fields:")
	for _, col := range custom {
		name := strings.TrimSpace(col[len(FieldPrefix):])
		typ := ", transform: [unguard]"
		switch g.cfg.types[name] {
		case "number":
			typ = ", type: decimal"
		case "boolean":
			typ = ", type: boolean"
		case "date":
			typ = ", type: date"
		}
		g.line(4, "%s: {column: %s%s}", qKey(name), q(col), typ)
	}
}

// link maps a linked record by name and, when the file has the id column,
// by id too: the importer uses the id when that record exists in the
// account (a re-import into the same account, where names may repeat) and
// the name otherwise (an import into another account).
func (g *gen) link(field, nameCol, idCol string) {
	if !g.has(nameCol) {
		return
	}
	if !g.has(idCol) {
		g.text(field, nameCol)
		return
	}
	g.line(3, "%s: {column: %s, id: %s, transform: [unguard]}", field, q(nameCol), q(idCol))
}

// qKey quotes a mapping key: keys are not interpolated, so "$" stays.
func qKey(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// q quotes text as a YAML double-quoted scalar (JSON strings are valid
// YAML); "$" is doubled because mappings interpolate ${NAME}.
func q(s string) string {
	b, _ := json.Marshal(strings.ReplaceAll(s, "$", "$$"))
	return string(b)
}
