package architecture

import (
	"testing"

	"github.com/local-inference-machine/lim/harness"
)

var zeroDowntimeColumnRename = harness.Register(&harness.Task{
	ID:         "zero-downtime-column-rename",
	Category:   harness.Architecture,
	Title:      "Plan a zero-downtime column rename with rolling deploys",
	Difficulty: 4,
	MaxTokens:  3072,
	Tags:       []string{"postgresql", "migrations", "zero-downtime", "deployment"},
	Prompt: `We need to rename users.fullname to users.display_name in production without downtime.

Facts:
- PostgreSQL 15; users has 40 million rows and takes ~1,500 writes per second at peak (sign-ups, profile edits, last_seen updates).
- The API is deployed with rolling deploys: for about 15 minutes, old and new versions of the app run side by side against the same database. Any deploy may be rolled back.
- Migrations run as a separate step before each deploy.
- A nightly ETL job, owned by the data team, reads users.fullname into the warehouse; they can change their query but need a week's notice.
- fullname is NOT NULL today; display_name must end up NOT NULL too.

Write the plan as numbered steps, each either a migration (with the SQL) or a deploy (with what the code does), in order. For each step say why it is safe while old and new code run together, and where a rollback is still possible. Point out the steps that could lock the table or overload the database and how you avoid that.`,
	Capabilities: []string{"expand/contract: add, dual-write, backfill, switch reads, stop old writes, drop", "batched backfill that does not hold long locks", "NOT NULL via a NOT VALID check constraint", "keeps both columns in sync while old and new versions coexist", "coordinates the external ETL consumer before dropping"},
	Reference: `Expand → migrate → contract. Every step leaves the schema compatible with the code running just before and just after it.

1. Migration — add the new column (nullable, no default):
   ALTER TABLE users ADD COLUMN display_name text;
   Metadata-only in PostgreSQL, needs only a brief ACCESS EXCLUSIVE lock; run it with SET lock_timeout = '3s' and retry so it never queues behind a long transaction and blocks all writes. Old code ignores the column. Rollback: drop the column.

2. Migration — keep both columns in sync with a trigger:
   CREATE FUNCTION users_sync_name() RETURNS trigger AS $$
   BEGIN
     IF TG_OP = 'INSERT' THEN
       NEW.display_name := COALESCE(NEW.display_name, NEW.fullname);
       NEW.fullname := COALESCE(NEW.fullname, NEW.display_name);
     ELSIF NEW.display_name IS DISTINCT FROM OLD.display_name THEN
       NEW.fullname := NEW.display_name;
     ELSIF NEW.fullname IS DISTINCT FROM OLD.fullname THEN
       NEW.display_name := NEW.fullname;
     END IF;
     RETURN NEW;
   END $$ LANGUAGE plpgsql;
   CREATE TRIGGER users_sync_name BEFORE INSERT OR UPDATE ON users
     FOR EACH ROW EXECUTE FUNCTION users_sync_name();
   From now on any write through either column updates both, so old code (writes fullname) and new code (writes display_name) can coexist. Rollback: drop the trigger.

3. Migration/job — backfill in batches:
   UPDATE users SET display_name = fullname
   WHERE id BETWEEN $1 AND $2 AND display_name IS NULL;
   in batches of ~5,000 ids, each its own short transaction, with a pause between batches and a check on replication lag. Not one UPDATE over 40 M rows: that would hold row locks for a long time, bloat the table and flood WAL/replicas. The last_seen updates do not conflict for long because each batch commits in milliseconds. Rollback: nothing to undo.

4. Migration — enforce NOT NULL without a long scan under lock:
   ALTER TABLE users ADD CONSTRAINT users_display_name_nn CHECK (display_name IS NOT NULL) NOT VALID;
   ALTER TABLE users VALIDATE CONSTRAINT users_display_name_nn;  -- scans without blocking writes
   ALTER TABLE users ALTER COLUMN display_name SET NOT NULL;      -- uses the validated check, no rescan
   ALTER TABLE users DROP CONSTRAINT users_display_name_nn;
   Old code still inserts only fullname; the trigger fills display_name, so the constraint holds.

5. Deploy — new code reads and writes display_name (and, to be safe, also writes fullname). Old and new instances coexist for 15 minutes; the trigger keeps both columns equal whichever version writes. Rollback: redeploy the old version, nothing in the schema changes.

6. Notify the data team now: the ETL must switch to display_name within the week. Both columns are equal, so they can switch at any time.

7. Deploy — code stops writing fullname and no longer mentions it anywhere (including ORM models, so SELECT * mappings do not break). Rollback to step 5's version is still safe because the trigger keeps fullname filled.

8. Migration — after the ETL has switched and the previous deploy can no longer come back: relax the old column first, then remove the sync:
   ALTER TABLE users ALTER COLUMN fullname DROP NOT NULL;
   DROP TRIGGER users_sync_name ON users; DROP FUNCTION users_sync_name();
   This is the point of no easy return: from here a rollback to code that reads fullname would see stale values.

9. Migration — contract, a release later:
   ALTER TABLE users DROP COLUMN fullname;   -- metadata-only, again with lock_timeout
   Before this, check pg_stat_statements / logs for any remaining query touching fullname (reports, ETL, admin tools).

Lock and load risks: steps 1, 2, 4 (SET NOT NULL) and 9 take ACCESS EXCLUSIVE briefly — run with a lock_timeout and retries, outside peak. Step 3 is the load risk — batched, throttled, watching replica lag. A plain RENAME COLUMN is avoided because it would break every running old instance at once and the ETL.`,
	Checks: []harness.Check{harness.Contains{All: []string{
		"ADD COLUMN|ADD display_name",
		"backfill|back-fill|back fill|UPDATE users SET display_name",
		"batch",
		"trigger|dual write|dual-write|write to both|writes both|writing both|write both",
		"DROP COLUMN|DROP fullname",
		"ETL|data team|warehouse",
		"rollback|roll back",
	}}},
	WrongAnswers: []string{`1. Migration: ALTER TABLE users RENAME COLUMN fullname TO display_name; — renaming is metadata-only in PostgreSQL, so it is instant and safe.
2. Deploy the new code that uses display_name.
3. Tell the data team to update the ETL.`},
})

func TestZeroDowntimeColumnRename(t *testing.T) { harness.Run(t, zeroDowntimeColumnRename) }
