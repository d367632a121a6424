package cli

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/capsule-etl/capsule-etl/capsule/sandbox"
	"github.com/capsule-etl/capsule-etl/samples"
)

// move imports the CSV exports, without a mapping, into a second sandbox
// with the same seed (another account: other ids, same users and
// pipelines), checks that it then holds as many records of each entity as
// the first, and runs the import again, which must write nothing.
func (d *demo) move() error {
	dir := filepath.Join(d.dir, "move")
	var files []string
	for _, e := range demoEntities {
		src, _ := d.exportPath(e, ".csv")
		b, err := os.ReadFile(src)
		if err != nil {
			return err
		}
		dst := filepath.Join(dir, filepath.Base(src))
		if err := os.WriteFile(dst, b, 0o644); err != nil {
			return err
		}
		files = append(files, dst)
	}
	b, err := sandbox.Start(d.ctx, "127.0.0.1:0", sandbox.WithSeedFile(filepath.Join(d.samples, samples.SeedFile)))
	if err != nil {
		return fmt.Errorf("starting the second sandbox: %w", err)
	}
	defer b.Close()
	fmt.Fprintf(d.out, "A second sandbox (another account, same users and pipelines) is running at %s.\n"+
		"The exports were copied to %s/; the journal beside them maps each exported id to the record made for it.\n", b.URL, dir)
	args := append([]string{"import", "--base-url", b.URL}, files...)
	if _, err := d.run(ExitOK, from("summary"), args...); err != nil {
		return err
	}
	src, dst := d.srv.Server.Stats(), b.Server.Stats()
	var failures []string
	for _, e := range demoEntities {
		fmt.Fprintf(d.out, "  %-14s %4d in the first sandbox, %4d in the second\n", e, src.Records[e], dst.Records[e])
		if src.Records[e] != dst.Records[e] {
			failures = append(failures, fmt.Sprintf("%s: %d in the second sandbox, %d in the first", e, dst.Records[e], src.Records[e]))
		}
	}
	if len(failures) > 0 {
		return fmt.Errorf("%w: %v", errStep, failures)
	}
	before := writesOf(b.Server.Stats().Requests)
	if _, err := d.run(ExitOK, from("summary"), args...); err != nil {
		return err
	}
	if w := writesOf(b.Server.Stats().Requests) - before; w != 0 {
		return fmt.Errorf("%w: the second import into the second sandbox sent %d writes, want none", errStep, w)
	}
	fmt.Fprintf(d.out, "\nThe second sandbox holds every record of the first, and the same import run again wrote nothing.\n")
	return nil
}

func writesOf(req map[string]int) int { return req["POST"] + req["PUT"] + req["DELETE"] }
