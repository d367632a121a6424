package generate

import (
	"fmt"
	"strings"

	"github.com/capsule-etl/capsule-etl/formats"
	"github.com/capsule-etl/capsule-etl/formats/files"
)

// salesforceOpportunities writes what a data team extracts from Salesforce
// into a warehouse for the French subsidiary: typed Parquet columns (a
// decimal amount, a date, a UTC timestamp, a list of tags, an integer) and
// French phone numbers in local format.
func salesforceOpportunities(w *world, path string) error {
	r := w.r
	header := []string{"Id", "Name", "AccountName", "ContactFirstName", "ContactLastName", "ContactEmail", "ContactPhone",
		"StageName", "Amount", "CurrencyIsoCode", "Probability", "CloseDate", "CreatedDate", "Tags", "Description"}
	kinds := []formats.Kind{formats.String, formats.String, formats.String, formats.String, formats.String, formats.String,
		formats.String, formats.String, formats.Decimal, formats.String, formats.Int, formats.Date, formats.Timestamp,
		formats.List, formats.String}
	stages := []struct {
		name string
		prob int64
	}{{"Prospecting", 10}, {"Qualification", 20}, {"Needs Analysis", 30}, {"Proposal/Price Quote", 60},
		{"Negotiation/Review", 80}, {"Closed Won", 100}, {"Closed Lost", 0}}
	tagPool := []string{"Renewal", "Upsell", "Partner", "Public sector", "Priority"}
	t := &table{header: header}
	const alnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	for range 60 {
		c := w.someCompany("FR", 0)
		p := w.newPerson("FR", c)
		st := pick(r, stages)
		var id strings.Builder
		id.WriteString("0068d00000")
		for range 8 {
			id.WriteByte(alnum[r.IntN(len(alnum))])
		}
		var tags []formats.Value
		for _, tg := range tagPool {
			if r.IntN(4) == 0 {
				tags = append(tags, formats.StringValue(tg))
			}
		}
		amount := fmt.Sprintf("%d.%02d", 2000+r.IntN(200)*100, []int{0, 0, 50, 99}[r.IntN(4)])
		created := daysBefore(r, 400).Add(timeOfDay(r))
		desc := ""
		if r.IntN(2) == 0 {
			desc = pick(r, []string{"Appel d'offres régional, réponse attendue avant la clôture.",
				"Extension du contrat existant à deux nouveaux sites.", "Projet pilote, budget validé par la direction."})
		}
		t.add(id.String(), c.name+" – "+pick(r, []string{"Licences 2027", "Déploiement", "Support premium", "Formation"}),
			c.name, p.first, p.last, messyEmail(r, p.email), p.phone, st.name, formats.DecimalValue(amount), "EUR",
			int(st.prob), formats.DateValue(daysAfter(r, 200)), formats.TimestampValue(created), formats.ListValue(tags), desc)
	}
	return t.write(path, files.WriteOptions{ColumnTypes: kinds, DecimalScale: 2})
}
