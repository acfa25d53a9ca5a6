// Command loadgen drives a running development server's real HTTP API with
// many signed-in citizens and, in the same run, the same SQL straight
// through pgx at the same concurrency, and reports the endpoint's
// throughput as a ratio of that ceiling. Absolute figures drift on shared
// machines; ratios measured side by side are what to compare.
//
// Scenarios: search (slot search against its raw query), lookup (traffic
// officers' plate look-ups against their raw query), booking (booking
// against its raw transaction), rush (many citizens on few seats at once,
// then a check of the database), admission (admission-day traffic, then a
// race of acceptances on few seats) and mixed (super-app traffic).
//
//	go run ./cmd/loadgen -url http://127.0.0.1:8080 -db postgres://… -c 64 -d 10s
//
// With -keys (the server's signing-key file) citizens already in the
// database, such as those seed scale loads, get tokens signed with the
// server's key; without it they register through the API.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"time"
)

type config struct {
	url, db     string
	concurrency int
	duration    time.Duration
	citizens    int
	pid         int
	jsonOut     string
	scenarios   string
	keys        string
	issuer      string
	rush        int
	rushSeats   int
}

func main() {
	var cfg config
	flag.StringVar(&cfg.url, "url", "http://127.0.0.1:8080", "base URL of a development server (APP_ENV=development) with the demo data")
	flag.StringVar(&cfg.db, "db", os.Getenv("DATABASE_URL"), "PostgreSQL URL of the server's database, for the ceiling and the checks")
	flag.IntVar(&cfg.concurrency, "c", 64, "concurrent clients")
	flag.DurationVar(&cfg.duration, "d", 10*time.Second, "how long each measured phase runs")
	flag.IntVar(&cfg.citizens, "citizens", 64, "virtual citizens to register and sign in")
	flag.IntVar(&cfg.pid, "pid", 0, "server process ID, to report its memory (RSS)")
	flag.StringVar(&cfg.jsonOut, "json", "", "also write the report as JSON to this file")
	flag.StringVar(&cfg.scenarios, "scenarios", "booking,rush,search,lookup,admission,mixed", "comma-separated scenarios to run, in this order (search runs while the dispatchers still send what the rush booked)")
	flag.StringVar(&cfg.keys, "keys", "", "the server's signing-key file (development: $DATA_DIR/signing-keys), to sign tokens for citizens already in the database")
	flag.StringVar(&cfg.issuer, "issuer", "citizenapi", "the server's TOKEN_ISSUER, with -keys")
	flag.IntVar(&cfg.rush, "rush", 0, "citizens in the rush (default: the -citizens working set; needs -keys when larger)")
	flag.IntVar(&cfg.rushSeats, "rush-seats", 0, "seats in the rush (default: a quarter of the rush)")
	flag.Parse()
	if err := run(context.Background(), cfg, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "loadgen:", err)
		os.Exit(1)
	}
}

// Result is one measured phase.
type Result struct {
	Name       string         `json:"name"`
	Requests   int            `json:"requests"`
	Seconds    float64        `json:"seconds"`
	PerSecond  float64        `json:"per_second"`
	P50Ms      float64        `json:"p50_ms"`
	P95Ms      float64        `json:"p95_ms"`
	P99Ms      float64        `json:"p99_ms"`
	MaxMs      float64        `json:"max_ms"`
	Statuses   map[string]int `json:"statuses"`
	ServerRSSK int64          `json:"server_rss_kib,omitempty"`
}

// Report is the whole run.
type Report struct {
	Concurrency int                `json:"concurrency"`
	Results     []Result           `json:"results"`
	Ratios      map[string]float64 `json:"ratios"`
	Checks      []string           `json:"checks"`
}

func run(ctx context.Context, cfg config, out io.Writer) error {
	if !strings.HasPrefix(cfg.db, "postgres") {
		return fmt.Errorf("-db must be the server's PostgreSQL URL: the ceiling and the checks run against it")
	}
	h, err := newHarness(ctx, cfg)
	if err != nil {
		return err
	}
	defer h.close()
	rep := Report{Concurrency: cfg.concurrency, Ratios: map[string]float64{}}
	scenarios := map[string]func(context.Context, *Report) error{
		"search": h.search, "lookup": h.lookup, "booking": h.booking, "rush": h.rush, "admission": h.admission, "mixed": h.mixed,
	}
	for _, name := range strings.Split(cfg.scenarios, ",") {
		scenario, ok := scenarios[strings.TrimSpace(name)]
		if !ok {
			return fmt.Errorf("-scenarios: unknown scenario %q", name)
		}
		began := time.Now()
		fmt.Fprintf(os.Stderr, "scenario %s…\n", name)
		if err := scenario(ctx, &rep); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		fmt.Fprintf(os.Stderr, "scenario %s took %s\n", name, time.Since(began).Round(time.Second))
	}
	print(out, rep)
	if cfg.jsonOut != "" {
		raw, _ := json.MarshalIndent(rep, "", "  ")
		return os.WriteFile(cfg.jsonOut, raw, 0o644)
	}
	return nil
}

// summarise turns latencies and statuses into a Result.
func summarise(name string, lat []time.Duration, statuses map[string]int, elapsed time.Duration) Result {
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	pct := func(p float64) float64 {
		if len(lat) == 0 {
			return 0
		}
		return float64(lat[min(len(lat)-1, int(p*float64(len(lat))))].Microseconds()) / 1000
	}
	r := Result{Name: name, Requests: len(lat), Seconds: elapsed.Seconds(), Statuses: statuses,
		P50Ms: pct(0.50), P95Ms: pct(0.95), P99Ms: pct(0.99)}
	if len(lat) > 0 {
		r.MaxMs = float64(lat[len(lat)-1].Microseconds()) / 1000
		r.PerSecond = float64(len(lat)) / elapsed.Seconds()
	}
	return r
}

func print(out io.Writer, rep Report) {
	fmt.Fprintf(out, "\n%-30s %9s %10s %8s %8s %8s %8s  %s\n", "phase", "requests", "per sec", "p50 ms", "p95 ms", "p99 ms", "max ms", "statuses")
	for _, r := range rep.Results {
		fmt.Fprintf(out, "%-30s %9d %10.0f %8.1f %8.1f %8.1f %8.1f  %v", r.Name, r.Requests, r.PerSecond, r.P50Ms, r.P95Ms, r.P99Ms, r.MaxMs, r.Statuses)
		if r.ServerRSSK > 0 {
			fmt.Fprintf(out, "  server RSS %d MiB", r.ServerRSSK/1024)
		}
		fmt.Fprintln(out)
	}
	fmt.Fprintf(out, "\nratios (endpoint ÷ raw SQL, same concurrency %d, same run):\n", rep.Concurrency)
	names := make([]string, 0, len(rep.Ratios))
	for k := range rep.Ratios {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		fmt.Fprintf(out, "  %-28s %.2f×\n", k, rep.Ratios[k])
	}
	fmt.Fprintln(out, "\nchecks:")
	for _, c := range rep.Checks {
		fmt.Fprintln(out, "  "+c)
	}
}
