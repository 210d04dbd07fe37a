package realworld

import (
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/local-inference-machine/lim/harness"
)

// nightlyExportLog builds the log of one night's orders-export run: 48 source
// shards extracted by four workers (shard 17 recovers after retries, shard 31 is
// skipped after five timeouts), 212 rows rejected in the transform, a load slowed
// by lock waits behind a VACUUM FULL, and a PARTIAL_SUCCESS finish. It is generated
// deterministically so the prompt is long but reviewable.
func nightlyExportLog() string {
	type line struct {
		at  time.Time
		msg string
	}
	var lines []line
	start := time.Date(2025, 5, 14, 2, 0, 0, 412e6, time.UTC)
	add := func(at time.Time, level, msg string) {
		lines = append(lines, line{at, fmt.Sprintf("%s %-5s [orders-export] %s", at.Format("2006-01-02T15:04:05.000Z"), level, msg)})
	}
	seed := uint32(20250514)
	rnd := func(n int) int { // deterministic LCG
		seed = seed*1664525 + 1013904223
		return int(seed>>8) % n
	}
	at := func(d time.Duration) time.Time { return start.Add(d) }
	okShard := func(n int) int { // rejects come from shards that were extracted
		if n == 31 {
			return 32
		}
		return n
	}

	add(at(0), "INFO", "starting orders-export v3.8.2 run_id=ox-20250514-0200 mode=nightly")
	add(at(612*time.Millisecond), "INFO", "config loaded from /etc/orders-export/config.yaml shards=48 workers=4 batch_size=25000")
	add(at(1400*time.Millisecond), "INFO", "connected to source cluster orders-pg (48 shards) pool_size=8")
	add(at(2100*time.Millisecond), "INFO", "connected to warehouse dwh-prod-1 database=analytics")
	add(at(2300*time.Millisecond), "INFO", "extract phase started window=2025-05-13T00:00:00Z..2025-05-14T00:00:00Z")

	// Extract: four workers take shards in order.
	workerFree := [4]time.Duration{3 * time.Second, 3 * time.Second, 3 * time.Second, 3 * time.Second}
	extracted, extractEnd := 0, time.Duration(0)
	for shard := 1; shard <= 48; shard++ {
		w := 0
		for i := range workerFree {
			if workerFree[i] < workerFree[w] {
				w = i
			}
		}
		t := workerFree[w]
		add(at(t), "DEBUG", fmt.Sprintf("worker=%d extract shard=%02d begin", w+1, shard))
		switch shard {
		case 17:
			for attempt := 2; attempt <= 3; attempt++ {
				t += 30 * time.Second
				add(at(t), "WARN", fmt.Sprintf("worker=%d shard=17 query timeout after 30s, retrying (attempt %d/5) backoff=%ds", w+1, attempt, 1<<(attempt-1)))
				t += time.Duration(1<<(attempt-1)) * time.Second
			}
		case 31:
			for attempt := 1; attempt <= 5; attempt++ {
				t += 30 * time.Second
				add(at(t), "WARN", fmt.Sprintf("worker=%d shard=31 read tcp 10.4.7.12:%d->10.4.2.40:5432: i/o timeout (attempt %d/5)", w+1, 51230+attempt, attempt))
				t += time.Duration(1<<attempt) * time.Second
			}
			add(at(t), "ERROR", fmt.Sprintf("worker=%d giving up on shard=31 after 5 attempts: read tcp 10.4.7.12:51235->10.4.2.40:5432: i/o timeout; shard skipped", w+1))
			workerFree[w] = t + 200*time.Millisecond
			continue
		}
		rows := 15000 + rnd(7000)
		dur := time.Duration(14000+rnd(12000)) * time.Millisecond
		t += dur
		extracted += rows
		add(at(t), "INFO", fmt.Sprintf("worker=%d extract shard=%02d rows=%d duration=%.1fs", w+1, shard, rows, dur.Seconds()))
		workerFree[w] = t + 150*time.Millisecond
		extractEnd = max(extractEnd, t)
	}
	for _, f := range workerFree {
		extractEnd = max(extractEnd, f)
	}
	add(at(extractEnd+time.Second), "WARN", fmt.Sprintf("extract phase finished with errors: shards_ok=47 shards_failed=1 failed=[31] rows=%d", extracted))

	// Transform.
	tt := extractEnd + 3*time.Second
	add(at(tt), "INFO", fmt.Sprintf("transform phase started rows=%d", extracted))
	currencies := []string{"XXX", "XXX", "XXX", "XXX", "XXX", "XXX", "XXX", "XXX", "XXX", "XXX"}
	for i, c := range currencies {
		tt += time.Duration(20+rnd(40)) * time.Second
		add(at(tt), "WARN", fmt.Sprintf("reject order_id=%d reason=invalid_currency currency=%s source=shard-%02d", 88120000+rnd(900000), c, okShard(1+rnd(48))))
		if i == 4 {
			for j := 0; j < 5; j++ {
				tt += time.Duration(5+rnd(20)) * time.Second
				add(at(tt), "WARN", fmt.Sprintf("reject order_id=%d reason=negative_quantity line=%d quantity=-%d source=shard-%02d", 88120000+rnd(900000), 1+rnd(4), 1+rnd(3), okShard(1+rnd(48))))
			}
		}
		if i%3 == 2 {
			add(at(tt+500*time.Millisecond), "INFO", fmt.Sprintf("transform progress processed=%d/%d", extracted*(i+1)/len(currencies), extracted))
		}
	}
	tt += 40 * time.Second
	add(at(tt), "WARN", "reject: 197 further reject warnings suppressed (limit 15 per run); full list in s3://acme-etl-logs/orders-export/ox-20250514-0200/rejects.jsonl")
	tt += 90 * time.Second
	out := extracted - 212
	add(at(tt), "INFO", fmt.Sprintf("transform done in=%d out=%d rejected=212 (invalid_currency=207, negative_quantity=5)", extracted, out))

	// Load: batches 22-30 wait behind a VACUUM FULL.
	lt := tt + 4*time.Second
	loadStart := lt
	add(at(lt), "INFO", "load phase started target=analytics.orders_fact mode=upsert")
	batches := (out + 24999) / 25000
	for b := 1; b <= batches; b++ {
		rows := 25000
		if b == batches {
			rows = out - 25000*(batches-1)
		}
		var d time.Duration
		if b >= 22 && b <= 30 {
			wait := time.Duration(150+rnd(60)) * time.Second
			add(at(lt+5*time.Second), "WARN", fmt.Sprintf("batch=%d/%d waiting for lock on analytics.orders_fact, blocked by pid=88121 (VACUUM FULL analytics.orders_fact, application_name=dba-maintenance)", b, batches))
			d = wait + time.Duration(18+rnd(8))*time.Second
		} else {
			d = time.Duration(16+rnd(10)) * time.Second
		}
		if b == batches {
			d = time.Duration(2+rnd(3)) * time.Second
		}
		lt += d
		add(at(lt), "INFO", fmt.Sprintf("load batch=%d/%d rows=%d duration=%.1fs", b, batches, rows, d.Seconds()))
		if b%6 == 0 {
			add(at(lt+300*time.Millisecond), "DEBUG", fmt.Sprintf("warehouse connection pool in_use=2 idle=6 wait_count=%d", b/6))
		}
	}
	loadDur := (lt - loadStart).Round(time.Second)
	mmss := fmt.Sprintf("%dm%02ds", int(loadDur.Minutes()), int(loadDur.Seconds())%60)
	add(at(lt+time.Second), "INFO", fmt.Sprintf("load done rows_loaded=%d duration=%s", out, mmss))
	add(at(lt+time.Second+100*time.Millisecond), "WARN", fmt.Sprintf("load duration %s exceeds p95 baseline 14m03s", mmss))

	// Post-load and finish.
	pt := lt + 2*time.Second
	add(at(pt), "INFO", "refreshing materialized view analytics.daily_revenue")
	refreshed := pt + 3*time.Minute + 12*time.Second
	add(at(refreshed), "INFO", "refreshed analytics.daily_revenue in 3m12s")
	end := refreshed + 2*time.Second
	total := end.Round(time.Second)
	add(at(end), "WARN", fmt.Sprintf("job finished status=PARTIAL_SUCCESS shards_ok=47/48 rows_loaded=%d rejected=212 duration=%s", out, total))
	add(at(end+300*time.Millisecond), "INFO", "alert sent to #data-oncall: orders-export PARTIAL_SUCCESS (1 shard failed)")

	// Heartbeats every five minutes.
	for m := 5; time.Duration(m)*time.Minute < end; m += 5 {
		add(at(time.Duration(m)*time.Minute+700*time.Millisecond), "DEBUG", fmt.Sprintf("heartbeat run_id=ox-20250514-0200 rss=%dMiB goroutines=%d", 310+rnd(90), 14+rnd(9)))
	}
	sort.SliceStable(lines, func(i, j int) bool { return lines[i].at.Before(lines[j].at) })
	var b strings.Builder
	for _, l := range lines {
		b.WriteString(l.msg)
		b.WriteByte('\n')
	}
	return b.String()
}

var longLogSummaryNightlyExport = harness.Register(&harness.Task{
	ID:         "long-log-summary-nightly-export",
	Category:   harness.NonCoding,
	Title:      "Summarise a long batch-job log for the on-call channel",
	Difficulty: 4,
	MaxTokens:  1024,
	Tags:       []string{"real-world", "logs", "summarisation", "data-engineering"},
	Prompt: `Here is last night's log of our orders-export job (it copies yesterday's orders from the sharded Postgres cluster into the analytics warehouse). Summarise it for the #data-oncall channel in at most 12 lines:
1. the overall outcome;
2. what failed, and what data is missing or wrong in the warehouse as a result;
3. other anomalies worth knowing about, with their likely cause if the log shows it;
4. recommended follow-ups.
Quote exact numbers from the log. Ignore DEBUG noise.

` + harness.Fenced("log", nightlyExportLog()),
	Capabilities: []string{"reads a long log and keeps what matters", "separates a recovered retry from a real failure", "links a slowdown to its cause in the log", "states the data impact"},
	Reference: `**Outcome:** orders-export run ox-20250514-0200 finished with status PARTIAL_SUCCESS after 59m57s: 47 of 48 shards extracted, 876,506 rows loaded into analytics.orders_fact, 212 rows rejected.
**Failed:** shard 31 was skipped after 5 attempts with i/o timeouts to 10.4.2.40:5432, so none of shard 31's orders for 2025-05-13 are in the warehouse, and analytics.daily_revenue (refreshed afterwards) undercounts that day.
**Rejected rows:** 212 rows were dropped in the transform: 207 with invalid currency "XXX" and 5 with negative quantities; the full list is in s3://acme-etl-logs/orders-export/ox-20250514-0200/rejects.jsonl.
**Anomalies:**
- The load took 39m02s against a p95 baseline of 14m03s: batches 22–30 (of 36) each waited about 3 minutes for a lock on analytics.orders_fact held by pid 88121, a VACUUM FULL run by dba-maintenance during the export window.
- Shard 17 timed out twice but succeeded on attempt 3 (no data lost).
**Follow-ups:**
1. Check connectivity/health of the shard 31 host (10.4.2.40) and re-run the export for shard 31 for 2025-05-13, then refresh daily_revenue.
2. Find out which upstream system writes currency "XXX" and decide whether those 207 orders should be fixed and reloaded.
3. Ask the DBA team to schedule VACUUM FULL on orders_fact outside the export window.`,
	Checks: []harness.Check{
		harness.Contains{Label: "key-facts", All: []string{
			"partial",
			"shard 31|shard=31|shard-31|shard #31|shard 31's|shard (31)|shards_failed=1 failed=[31]|shard no. 31",
			"212",
			"XXX|invalid currency|invalid_currency",
			"39m02s|39m 02s|39m2s|39 min|39:02|39 minutes|39m",
			"vacuum|lock",
		}},
		harness.Lacks{Label: "no-wrong-claims", Any: []string{"shard 17 failed", "shard 17 was skipped", "shard 17 is missing", "all 48 shards loaded", "all shards loaded", "out of memory"}},
	},
	WrongAnswers: []string{
		// Mixes up the recovered shard with the failed one and misses the lock cause.
		`Outcome: PARTIAL_SUCCESS after 59m57s. Shard 17 failed with query timeouts and was skipped, so its orders are missing. 212 rows were rejected (invalid currency XXX). The load was slow (39m02s vs 14m03s baseline), probably due to warehouse load. Follow-up: re-run shard 17.`,
		// Calls it a success.
		`The nightly export succeeded: all 48 shards loaded and 212 rows were rejected for invalid currency XXX. The load took 39 minutes because of a VACUUM lock. Nothing to do.`,
	},
})

func TestLongLogSummaryNightlyExport(t *testing.T) { harness.Run(t, longLogSummaryNightlyExport) }

// TestNightlyExportLogFacts keeps the reference's numbers in step with the generated log.
func TestNightlyExportLogFacts(t *testing.T) {
	log := nightlyExportLog()
	for _, want := range []string{
		"rows_loaded=876506 rejected=212 duration=59m57s",
		"status=PARTIAL_SUCCESS",
		"giving up on shard=31 after 5 attempts",
		"shard=17 query timeout after 30s, retrying (attempt 3/5)",
		"load duration 39m02s exceeds p95 baseline 14m03s",
		"load batch=36/36 rows=1506",
		"batch=22/",
		"batch=30/",
		"(invalid_currency=207, negative_quantity=5)",
	} {
		if !strings.Contains(log, want) {
			t.Errorf("the log lacks %q", want)
		}
	}
	if strings.Contains(log, "batch=21/36 waiting") || strings.Contains(log, "batch=31/36 waiting") || strings.Contains(log, "shard-31") {
		t.Error("only batches 22-30 should wait for the lock, and no reject may come from the skipped shard 31")
	}
	if n := strings.Count(log, "\n"); n < 120 || n > 220 {
		t.Errorf("the log has %d lines; keep it long but bounded", n)
	}
}
