package mappings_test

import (
	"encoding/json"
	"fmt"

	"github.com/capsule-etl/capsule-etl/formats"
	"github.com/capsule-etl/capsule-etl/mappings"
)

// A person and their company from one row: the company comes first, the
// person refers to it, and values are normalised for Capsule.
func Example() {
	src := []byte(`version: 1
defaults: {phone_region: GB}
records:
  company:
    entity: organisation
    fields: {name: Company}
  person:
    entity: person
    fields:
      firstName: {column: Name, transform: [trim, title]}
      organisation: {record: company}
      emailAddresses: [{address: Email, type: Work}]
      phoneNumbers: [Phone]
`)
	m, problems := mappings.Parse(src, "people.yaml")
	header := formats.NewHeader([]string{"Name", "Company", "Email", "Phone"})
	prog, more := mappings.Compile(m, header)
	if problems = mappings.Merge(problems, more); problems.HasErrors() {
		fmt.Println(problems)
		return
	}
	row := &formats.Record{Header: header, Values: []formats.Value{
		formats.StringValue(" ada "), formats.StringValue("Analytical Engines"),
		formats.StringValue("Ada@Example.COM"), formats.StringValue("020 7946 0018"),
	}}
	ops, rowErrs := prog.Eval(row)
	for _, op := range ops {
		body, _ := json.Marshal(op.Body)
		fmt.Printf("%s %s %s refs=%v match=%v\n", op.Record, op.PartyType, body, op.Refs, op.Match)
	}
	fmt.Println("row errors:", len(rowErrs))
	// Output:
	// company organisation {"name":"Analytical Engines","type":"organisation"} refs=[] match=[{name  Analytical Engines}]
	// person person {"emailAddresses":[{"address":"ada@example.com","type":"Work"}],"firstName":"Ada","phoneNumbers":[{"number":"+442079460018"}],"type":"person"} refs=[{organisation record company   }] match=[{email  ada@example.com}]
	// row errors: 0
}

// Problems carry the line and column of the mistake, the path and a hint.
func ExampleParse() {
	_, problems := mappings.Parse([]byte("version: 1\nrecords:\n  p:\n    entity: person\n    fields: {frstName: Name}\n"), "people.yaml")
	fmt.Println(problems)
	// Output:
	// people.yaml:5:14: records.p.fields.frstName: person has no field "frstName" (did you mean "firstName"?)
}
