package mappings

import (
	"strings"
	"testing"

	"github.com/capsule-etl/capsule-etl/formats"
)

func TestProblems(t *testing.T) {
	header := formats.NewHeader([]string{"Name", "Email", "Company", "Stage", "Amount", "Signed"})
	tests := []struct {
		name string
		src  string
		want []string // each must appear, as "line:col: path: message (hint)" fragments
	}{
		{"yaml syntax error", "version: 1\nrecords:\n  p: {entity: person\n", []string{"test.yaml:3:", "YAML syntax error"}},
		{"unknown top key with did you mean", "version: 1\nrecrods: {}\n", []string{`test.yaml:2:1: recrods: unknown key "recrods" (did you mean "records"?)`, "missing records"}},
		{"unknown record key", "version: 1\nrecords:\n  p:\n    entity: person\n    feilds: {firstName: Name}\n", []string{`test.yaml:5:5: records.p.feilds: unknown key "feilds" (did you mean "fields"?)`}},
		{"unknown capsule field", "version: 1\nrecords:\n  p:\n    entity: person\n    fields: {frstName: Name}\n", []string{`test.yaml:5:14: records.p.fields.frstName: person has no field "frstName" (did you mean "firstName"?)`}},
		{"unknown entity", "version: 1\nrecords:\n  p:\n    entity: persn\n    fields: {}\n", []string{`test.yaml:4:13: records.p.entity: "persn" is not allowed here (did you mean "person"?)`}},
		{"column not in header", "version: 1\nrecords:\n  p:\n    entity: person\n    fields:\n      firstName: Nmae\n", []string{`test.yaml:6:18: records.p.fields.firstName: column "Nmae" is not in the input (did you mean "Name"?)`}},
		{"column index out of range", "version: 1\nrecords:\n  p:\n    entity: person\n    fields:\n      firstName: {index: 9}\n", []string{`test.yaml:6:18: records.p.fields.firstName: column 9 does not exist (the input has 6 columns)`}},
		{"unknown transform", "version: 1\nrecords:\n  p:\n    entity: person\n    fields:\n      firstName: {column: Name, transform: [trim, lowr]}\n", []string{`test.yaml:6:51: records.p.fields.firstName.transform[1]: unknown transform "lowr" (did you mean "lower"?)`}},
		{"bad expression position", "version: 1\nrecords:\n  p:\n    entity: person\n    when: \"{Name} = 'x'\"\n    fields: {firstName: Name}\n", []string{`test.yaml:5:19: records.p.when: bad expression: unexpected token Operator("=") (compare with ==, not =)`}},
		{"unknown function in expression", "version: 1\nrecords:\n  p:\n    entity: person\n    fields:\n      about: {expr: \"{Name} + nope({Email})\"}\n", []string{`test.yaml:6:31: records.p.fields.about: bad expression: unknown name nope`}},
		{"condition not boolean", "version: 1\nrecords:\n  p:\n    entity: person\n    when: \"'yes'\"\n    fields: {firstName: Name}\n", []string{`test.yaml:5:11: records.p.when: bad expression: expected bool, but got string (a condition must give true or false`}},
		{"expression column missing", "version: 1\nrecords:\n  p:\n    entity: person\n    when: \"{Nam} != ''\"\n    fields: {firstName: Name}\n", []string{`test.yaml:5:11: records.p.when: column "Nam" is not in the input (did you mean "Name"?)`}},
		{"type mismatch constant", "version: 1\nrecords:\n  d:\n    entity: opportunity\n    fields:\n      name: Name\n      expectedCloseOn: {value: soon}\n      party: Company\n      milestone: {column: Stage, pipeline: Sales}\n", []string{`test.yaml:7:24: records.d.fields.expectedCloseOn: type mismatch: "soon" is not a date in the format YYYY-MM-DD (fix the constant)`}},
		{"type does not fit field", "version: 1\nrecords:\n  o:\n    entity: organisation\n    fields:\n      name: {column: Name, type: date}\n", []string{`records.o.fields.name.type: type date does not fit this field (this field takes string)`}},
		{"unknown record ref", "version: 1\nrecords:\n  p:\n    entity: person\n    fields:\n      organisation: {record: compny}\n  company:\n    entity: organisation\n    fields: {name: Company}\n", []string{`test.yaml:6:21: records.p.fields.organisation.record: no record named "compny" (did you mean "company"?)`}},
		{"ref to wrong entity", "version: 1\nrecords:\n  p:\n    entity: person\n    fields:\n      organisation: {record: q}\n  q:\n    entity: person\n    fields: {firstName: Name}\n", []string{`records.p.fields.organisation.record: record "q" is a person (organisation must refer to a record of entity organisation or organization)`}},
		{"milestone without pipeline", "version: 1\nrecords:\n  d:\n    entity: opportunity\n    fields:\n      name: Name\n      party: Company\n      milestone: Stage\n", []string{`test.yaml:8:7: records.d.fields.milestone: milestone without pipeline`}},
		{"token in mapping", "version: 1\nsource:\n  token: abc\nrecords:\n  p: {entity: person, fields: {firstName: Name}}\n", []string{`test.yaml:3:3: source.token: mappings must not hold credentials (key "token") (set CAPSULE_TOKEN`}},
		{"token-looking value", "version: 1\nrecords:\n  p:\n    entity: person\n    fields:\n      about: {value: ak3F9dL0qPz7Xw2Yb8Nc4Vm6Tr1Su5Ho9Je}\n", []string{`test.yaml:6:22: records.p.fields.about.value: this value looks like an access token`}},
		{"secret env var", "version: 1\nrecords:\n  p:\n    entity: person\n    fields:\n      about: {value: \"${CAPSULE_TOKEN}\"}\n", []string{`${CAPSULE_TOKEN} looks like a secret`}},
		{"missing env var", "version: 1\nrecords:\n  p:\n    entity: person\n    fields:\n      about: {value: \"${TEAM_NAME}\"}\n", []string{`test.yaml:6:22: records.p.fields.about.value: environment variable TEAM_NAME is not set`}},
		{"two sources", "version: 1\nrecords:\n  p:\n    entity: person\n    fields:\n      firstName: {column: Name, value: x}\n", []string{`test.yaml:6:18: records.p.fields.firstName: more than one source for this value`}},
		{"duplicate key", "version: 1\nrecords:\n  p:\n    entity: person\n    fields:\n      firstName: Name\n      firstName: Email\n", []string{`test.yaml:7:7: YAML syntax error: mapping key "firstName" already defined at [6:7]`}},
		{"match field not mapped", "version: 1\nrecords:\n  p:\n    entity: person\n    match: [{field: Legacy ID}]\n    fields: {firstName: Name}\n", []string{`records.p.match[0]: custom field "Legacy ID" is not mapped in this record`}},
		{"bad enum constant", "version: 1\nrecords:\n  p:\n    entity: person\n    fields:\n      emailAddresses: [{address: Email, type: {value: Office}}]\n", []string{`"Office" is not one of Home, Work`}},
		{"bad date format", "version: 1\ndefaults:\n  date_format: dd/mm\nrecords:\n  p: {entity: person, fields: {firstName: Name}}\n", []string{`test.yaml:3:16: defaults.date_format: "dd/mm" is not a date format: it has no year`}},
		{"tab indentation", "version: 1\nrecords:\n  p:\n\tentity: person\n", []string{"test.yaml:4:", "line 4 is indented with a tab: YAML indentation must be spaces"}},
		{"entity typo: fields checked as the entity meant", "version: 1\nrecords:\n  p:\n    entity: persn\n    fields:\n      lastname: Name\n      emailAddresses: [{adress: Email}]\n",
			[]string{`records.p.fields.lastname: person has no field "lastname" (did you mean "lastName"?)`, `records.p.fields.emailAddresses[0].adress: unknown key "adress" (did you mean "address"?)`}},
		{"missing version", "records:\n  p: {entity: person, fields: {firstName: Name}}\n", []string{`version: missing version (add`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			probs := check(tt.src, header)
			if !probs.HasErrors() {
				t.Fatalf("no error reported")
			}
			all := probs.Error()
			if strings.Contains(all, "found a list") {
				t.Errorf("misleading error (a list field read as another entity's):\n%s", all)
			}
			for _, w := range tt.want {
				if !strings.Contains(all, w) {
					t.Errorf("missing %q in:\n%s", w, all)
				}
			}
		})
	}
}

// check runs Parse and, when it succeeds, Compile, as validate does.
func check(src string, h *formats.Header) Problems {
	env := WithEnv(func(k string) (string, bool) { return map[string]string{"HOME_REGION": "GB"}[k], k == "HOME_REGION" })
	m, probs := Parse([]byte(src), "test.yaml", env)
	if probs.HasErrors() {
		return probs
	}
	_, cp := Compile(m, h)
	return append(probs, cp...)
}

func TestAllProblemsInOnePass(t *testing.T) {
	src := "version: 1\nrecords:\n  p:\n    entity: person\n    fields:\n      firstName: Nmae\n      lastName: {column: Name, transform: [upr]}\n      jobTitel: Name\n"
	m, probs := Parse([]byte(src), "test.yaml")
	if len(probs) != 2 {
		t.Fatalf("parse problems = %d, want 2 (transform, field):\n%v", len(probs), probs)
	}
	_, cp := Compile(m, formats.NewHeader([]string{"Name"}))
	if len(cp) != 1 || cp[0].Line != 6 || cp[0].Column != 18 {
		t.Fatalf("compile problems = %v, want one at 6:18", cp)
	}
}

func TestEnvInterpolation(t *testing.T) {
	src := "version: 1\ndefaults:\n  phone_region: ${HOME_REGION}\nrecords:\n  p:\n    entity: person\n    fields:\n      about: {value: \"costs $$5\"}\n      phoneNumbers: [Phone]\n"
	env := WithEnv(func(k string) (string, bool) { return "DE", k == "HOME_REGION" })
	m, probs := Parse([]byte(src), "t.yaml", env)
	if probs.HasErrors() {
		t.Fatal(probs)
	}
	p, probs := Compile(m, nil)
	if probs.HasErrors() {
		t.Fatal(probs)
	}
	h := formats.NewHeader([]string{"Phone"})
	ops, errs := p.Eval(&formats.Record{Header: h, Values: []formats.Value{formats.StringValue("030 1234567")}})
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	if got := ops[0].Body["about"]; got != "costs $5" {
		t.Errorf("about = %v", got)
	}
	if got := ops[0].Body["phoneNumbers"].([]any)[0].(map[string]any)["number"]; got != "+49301234567" {
		t.Errorf("number = %v, want +49301234567 (region from env)", got)
	}
}

func TestWarningsDoNotBlock(t *testing.T) {
	src := "version: 1\nrecords:\n  p:\n    entity: person\n    fields:\n      jobTitle: {column: Roles, split: \",\"}\n"
	m, _ := Parse([]byte(src), "w.yaml")
	p, probs := Compile(m, nil)
	if p == nil || probs.HasErrors() || len(probs) != 1 || probs[0].Severity != SeverityWarning {
		t.Fatalf("program %v, problems %v", p != nil, probs)
	}
	if want := `w.yaml:6:17: warning: records.p.fields.jobTitle.split: jobTitle holds one value`; !strings.HasPrefix(probs[0].Error(), want) {
		t.Errorf("got %q", probs[0].Error())
	}
}

func TestCycleIsReported(t *testing.T) {
	cc := &compiler{c: &problems{file: "t.yaml"}}
	a := &crec{name: "a", spec: &RecordSpec{Name: "a", Pos: Pos{3, 3}}, deps: []string{"b"}}
	b := &crec{name: "b", spec: &RecordSpec{Name: "b", Pos: Pos{9, 3}}, deps: []string{"a"}}
	cc.order([]*crec{a, b})
	if got := cc.c.list.Error(); !strings.Contains(got, "t.yaml:9:3: records.b: references form a cycle: a → b → a") {
		t.Errorf("got %q", got)
	}
}

func TestDependencyOrder(t *testing.T) {
	src := "version: 1\nrecords:\n  note:\n    entity: note\n    fields: {content: Name, party: {record: p}}\n  p:\n    entity: person\n    fields: {firstName: Name, organisation: {record: o}}\n  o:\n    entity: organisation\n    fields: {name: Name}\n"
	p := mustCompile(t, src, nil)
	if got := strings.Join(p.Records(), ","); got != "o,p,note" {
		t.Errorf("order = %s, want o,p,note", got)
	}
}
