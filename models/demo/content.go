package demo

import (
	"fmt"
	"math/rand/v2"
	"strings"

	"stepwise/models/markdown"
)

// The word lists and snippets below are what Seed combines into
// realistic-looking users, guides and steps. They are plain data: the
// random choices among them are made by a seeded generator, so the same
// options always produce the same database.

var demoFirstNames = []string{
	"Ada", "Amara", "Ben", "Carmen", "Chen", "Dalia", "Diego", "Elif", "Emma",
	"Farid", "Grace", "Hana", "Ivan", "Jonas", "Kaito", "Lea", "Leila", "Lucas",
	"Maya", "Mateo", "Nadia", "Noah", "Olga", "Omar", "Priya", "Rafael", "Rosa",
	"Sami", "Sofia", "Tariq", "Uma", "Victor", "Wen", "Yara", "Zoe",
}

var demoLastNames = []string{
	"Almeida", "Andersen", "Banerjee", "Brennan", "Castillo", "Dubois", "Eriksen",
	"Fischer", "García", "Haddad", "Ito", "Jansen", "Kowalski", "Lindqvist",
	"Mbeki", "Moreau", "Nakamura", "Novak", "Okafor", "Olsen", "Park", "Petrov",
	"Quinn", "Rossi", "Schmidt", "Silva", "Tanaka", "Virtanen", "Weber", "Yilmaz",
}

// demoTopics are what guides are about; each names the snippet language
// its steps lean on.
var demoTopics = []struct{ name, lang string }{
	{"HTTP servers in Go", "go"},
	{"testing Go code", "go"},
	{"Go concurrency", "go"},
	{"structured logging", "go"},
	{"SQLite in production", "sql"},
	{"SQL joins and indexes", "sql"},
	{"database migrations", "sql"},
	{"query performance", "sql"},
	{"shell scripting", "bash"},
	{"deploying with systemd", "bash"},
	{"backups you can restore", "bash"},
	{"continuous integration", "bash"},
}

var demoTitlePrefixes = []string{
	"Getting started with", "A practical tour of", "Hands-on", "The essentials of",
	"Deep dive:", "Everyday", "From zero to", "Patterns for",
}

var demoDifficulties = []string{"beginner", "intermediate", "advanced"}

var demoStepTitles = []string{
	"Set up the project", "Read the error carefully", "Write the first version",
	"Add a failing test", "Make the test pass", "Handle the edge cases",
	"Measure before optimizing", "Add an index", "Log what matters",
	"Validate the input", "Keep secrets out of the code", "Automate the check",
	"Review the plan", "Roll it out", "Watch it in production", "Clean up",
	"Refactor with confidence", "Document the decision", "Back it up",
	"Restore from the backup", "Add a timeout", "Retry the right way",
	"Limit the blast radius", "Ship it",
}

var demoSentences = []string{
	"Start small: a working version you understand beats a clever one you do not.",
	"Every change in this step is small enough to review in a minute.",
	"Run the command after each edit so that a mistake shows up while it is still fresh.",
	"The error message usually names the file and the line; read it before searching the web.",
	"Keep the previous version around until the new one has proved itself.",
	"Write down what you expect to happen before you run it, then compare.",
	"A test that never failed has not shown you anything yet.",
	"Defaults matter more than options, because most people never change them.",
	"Prefer boring tools that you can debug at three in the morning.",
	"If a step feels too large, split it and finish the first half.",
	"Measure with realistic data; an empty table makes every query look fast.",
	"Name things after what they mean to the user, not after how they are stored.",
	"Check the result by hand once, then let a script check it every time.",
	"Leave the code a little clearer than you found it, and no more.",
	"When two requests arrive at once, decide which one wins and make it explicit.",
	"The goal of this step is understanding, not speed: take the time to look around.",
	"Commit when the tests pass, so every commit is a place you can return to.",
	"In production, the logs are your eyes; make each line worth reading.",
}

var demoListItems = []string{
	"Read the whole step once before typing anything.",
	"Keep a terminal open next to the editor.",
	"Run the tests after every change.",
	"Note the exact version of each tool you use.",
	"Check the output against what you expected.",
	"Undo the change if you cannot explain the result.",
	"Ask a colleague to try the steps on their machine.",
	"Write the command down in the README when it works.",
	"Time the slow part so you know whether it got faster.",
	"Keep the change small enough to review.",
}

// demoSnippets are fenced-code examples by language; several per language
// so that neighbouring steps differ.
var demoSnippets = map[string][]string{
	"go": {
		"package main\n\nimport (\n\t\"log\"\n\t\"net/http\"\n\t\"time\"\n)\n\nfunc main() {\n\tmux := http.NewServeMux()\n\tmux.HandleFunc(\"GET /healthz\", func(w http.ResponseWriter, r *http.Request) {\n\t\tw.Write([]byte(\"ok\"))\n\t})\n\tsrv := &http.Server{Addr: \":8080\", Handler: mux, ReadTimeout: 5 * time.Second}\n\tlog.Fatal(srv.ListenAndServe())\n}",
		"func TestSlugify(t *testing.T) {\n\tcases := map[string]string{\n\t\t\"Hello, World\": \"hello-world\",\n\t\t\"  spaces  \":   \"spaces\",\n\t\t\"\":             \"\",\n\t}\n\tfor in, want := range cases {\n\t\tif got := Slugify(in); got != want {\n\t\t\tt.Errorf(\"Slugify(%q) = %q, want %q\", in, got, want)\n\t\t}\n\t}\n}",
		"func fetchAll(ctx context.Context, urls []string) []Result {\n\tresults := make([]Result, len(urls))\n\tvar wg sync.WaitGroup\n\tfor i, u := range urls {\n\t\twg.Add(1)\n\t\tgo func() {\n\t\t\tdefer wg.Done()\n\t\t\tresults[i] = fetch(ctx, u)\n\t\t}()\n\t}\n\twg.Wait()\n\treturn results\n}",
	},
	"sql": {
		"CREATE TABLE orders (\n    id          INTEGER PRIMARY KEY,\n    customer_id INTEGER NOT NULL REFERENCES customers (id),\n    total_cents INTEGER NOT NULL CHECK (total_cents >= 0),\n    created_at  TIMESTAMP NOT NULL\n);\nCREATE INDEX orders_customer_idx ON orders (customer_id, created_at);",
		"SELECT c.name, count(o.id) AS orders, sum(o.total_cents) / 100.0 AS spent\nFROM customers c\nLEFT JOIN orders o ON o.customer_id = c.id\nWHERE o.created_at >= date('now', '-30 days')\nGROUP BY c.id\nHAVING count(o.id) > 2\nORDER BY spent DESC\nLIMIT 20;",
		"EXPLAIN QUERY PLAN\nSELECT id, total_cents\nFROM orders\nWHERE customer_id = ?\nORDER BY created_at DESC\nLIMIT 10;\n\nPRAGMA journal_mode = WAL;\nPRAGMA busy_timeout = 5000;",
	},
	"bash": {
		"#!/usr/bin/env bash\nset -euo pipefail\n\nbackup_dir=\"/var/backups/app\"\nstamp=\"$(date -u +%Y%m%dT%H%M%SZ)\"\nmkdir -p \"$backup_dir\"\nsqlite3 data/app.db \".backup '$backup_dir/app-$stamp.db'\"\nfind \"$backup_dir\" -name 'app-*.db' -mtime +14 -delete\necho \"backup written: app-$stamp.db\"",
		"sudo systemctl daemon-reload\nsudo systemctl enable --now app.service\nsystemctl status app.service --no-pager\njournalctl -u app.service --since '10 minutes ago' | tail -n 20\ncurl -fsS http://127.0.0.1:8080/readyz && echo ready",
		"for f in tests/*.sh; do\n  printf 'running %s... ' \"$f\"\n  if bash \"$f\" > \"/tmp/$(basename \"$f\").log\" 2>&1; then\n    echo ok\n  else\n    echo FAILED; tail -n 5 \"/tmp/$(basename \"$f\").log\"; exit 1\n  fi\ndone",
	},
}

// demoGuide is one guide ready to insert, its step bodies rendered.
type demoGuide struct {
	slug, title, summary, difficulty string
	minutes                          int
	introMD, introHTML               string
	steps                            []demoStep
}

// demoStep is a step; its Markdown is kept as top-level blocks (parts),
// whose concatenation is the body.
type demoStep struct {
	title            string
	parts            []string
	bodyMD, bodyHTML string
}

// demoGuides builds and renders every guide and its steps.
func demoGuides(nGuides, nSteps int) ([]demoGuide, error) {
	rng := demoRand(streamGuides)
	guides := make([]demoGuide, nGuides)
	for gi := range guides {
		topic := pick(rng, demoTopics)
		g := demoGuide{
			slug:       fmt.Sprintf("demo-guide-%d", gi+1),
			title:      fmt.Sprintf("%s %s", pick(rng, demoTitlePrefixes), topic.name),
			summary:    fmt.Sprintf("%d short steps on %s. %s", nSteps, topic.name, pick(rng, demoSentences)),
			difficulty: pick(rng, demoDifficulties),
			minutes:    nSteps * (5 + rng.IntN(11)),
			introMD:    fmt.Sprintf("A demo guide about **%s**.\n\n%s\n", topic.name, demoParagraph(rng, 2)),
		}
		offset := rng.IntN(len(demoStepTitles))
		for si := range nSteps {
			title := demoStepTitles[(offset+si)%len(demoStepTitles)]
			if si >= len(demoStepTitles) {
				title = fmt.Sprintf("%s, round %d", title, si/len(demoStepTitles)+1)
			}
			parts := demoStepBody(rng, title, topic.name, topic.lang, gi+1, si+1)
			g.steps = append(g.steps, demoStep{title: title, parts: parts, bodyMD: strings.Join(parts, "")})
		}
		guides[gi] = g
	}
	return guides, renderDemoGuides(guides)
}

// renderDemoGuides renders every intro and step body. A body is rendered
// block by block, each distinct block once: the code examples repeat across
// steps and highlighting them is most of the cost. Rendering top-level
// blocks apart gives the same HTML as rendering the whole (no block here
// depends on another, as a link reference definition would).
func renderDemoGuides(guides []demoGuide) error {
	rendered := map[string]string{}
	render := func(md string) (string, error) {
		if html, ok := rendered[md]; ok {
			return html, nil
		}
		html, err := markdown.Render(md)
		rendered[md] = html
		return html, err
	}
	for gi := range guides {
		g := &guides[gi]
		var err error
		if g.introHTML, err = markdown.Render(g.introMD); err != nil {
			return err
		}
		for si := range g.steps {
			var html strings.Builder
			for _, part := range g.steps[si].parts {
				h, err := render(part)
				if err != nil {
					return err
				}
				html.WriteString(h)
			}
			g.steps[si].bodyHTML = html.String()
		}
	}
	return nil
}

// pick returns a random element of list.
func pick[T any](rng *rand.Rand, list []T) T { return list[rng.IntN(len(list))] }

// demoParagraph joins n distinct-ish random sentences.
func demoParagraph(rng *rand.Rand, n int) string {
	parts := make([]string, n)
	for i := range parts {
		parts[i] = pick(rng, demoSentences)
	}
	return strings.Join(parts, " ")
}

// demoStepBody is a step's Markdown in top-level blocks: a heading, two
// paragraphs and a list; a fenced code block; a closing line. The shape of
// a real step. The blocks are returned apart so the code block, which
// repeats across steps and is the costly part to highlight, can be rendered
// once (see renderDemoGuides).
func demoStepBody(rng *rand.Rand, title, topic, lang string, guideN, stepN int) []string {
	var b strings.Builder
	fmt.Fprintf(&b, "## %s\n\n", title)
	fmt.Fprintf(&b, "This is step %d of demo guide %d, about %s. %s\n\n", stepN, guideN, topic, demoParagraph(rng, 3))
	fmt.Fprintf(&b, "%s\n\n", demoParagraph(rng, 3))
	for range 3 + rng.IntN(3) {
		fmt.Fprintf(&b, "- %s\n", pick(rng, demoListItems))
	}
	b.WriteString("\n")
	if rng.IntN(4) == 0 { // now and then, an example in another language
		lang = pick(rng, []string{"go", "sql", "bash"})
	}
	code := fmt.Sprintf("```%s\n%s\n```\n\n", lang, pick(rng, demoSnippets[lang]))
	closing := fmt.Sprintf("When the output matches, **%s** is done: %s\n", strings.ToLower(title), pick(rng, demoSentences))
	return []string{b.String(), code, closing}
}
