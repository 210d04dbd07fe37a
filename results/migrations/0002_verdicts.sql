-- One row per verdict on a stored result: a judge's (kind 'judge') or a person's
-- (kind 'human', from `lim review`, which wins in reports). Verdicts are versioned by
-- the judge prompt's hash and the panel they were given by, so re-judging a result with
-- a new prompt or panel adds rows and never replaces the old ones.
CREATE TABLE verdicts (
    id                 INTEGER PRIMARY KEY,
    result_id          INTEGER NOT NULL REFERENCES results (id) ON DELETE CASCADE,
    kind               TEXT    NOT NULL CHECK (kind IN ('judge', 'human')),
    judge              TEXT    NOT NULL,               -- judge model spec, or the reviewer's name
    judge_family       TEXT    NOT NULL DEFAULT '',
    judge_digest       TEXT    NOT NULL DEFAULT '',    -- model digest or provider as the server reports it
    same_family        INTEGER NOT NULL DEFAULT 0,     -- judge and judged model share a family
    prompt_hash        TEXT    NOT NULL DEFAULT '',    -- judge prompt version ('' for human verdicts)
    panel              TEXT    NOT NULL DEFAULT '',    -- the panel's specs, comma-separated
    correctness        INTEGER CHECK (correctness BETWEEN 0 AND 2),
    completeness       INTEGER CHECK (completeness BETWEEN 0 AND 2),
    quality            INTEGER CHECK (quality BETWEEN 0 AND 2),
    rationale          TEXT    NOT NULL DEFAULT '',
    parse_status       TEXT    NOT NULL CHECK (parse_status IN ('ok', 'repaired', 'error')),
    error_kind         TEXT    NOT NULL DEFAULT '' CHECK (error_kind IN ('', 'parse', 'length', 'call')),
    error              TEXT    NOT NULL DEFAULT '',    -- 'call' errors (HTTP, timeout) are retried on resume
    raw                TEXT    NOT NULL DEFAULT '',    -- the judge's last reply, verbatim
    attempts           INTEGER NOT NULL DEFAULT 1,
    finish_reason      TEXT    NOT NULL DEFAULT '',
    prompt_tokens      INTEGER,
    completion_tokens  INTEGER,
    wall_ms            REAL,
    cost_usd           REAL,
    source             TEXT    NOT NULL DEFAULT '',    -- live, record, replay, human
    created_at         DATETIME NOT NULL,
    -- A verdict with scores parsed; an error without them.
    CHECK (parse_status = 'error' OR (correctness IS NOT NULL AND completeness IS NOT NULL AND quality IS NOT NULL)),
    CHECK (parse_status <> 'error' OR (correctness IS NULL AND completeness IS NULL AND quality IS NULL)),
    UNIQUE (result_id, kind, judge, prompt_hash, panel)
);

CREATE INDEX verdicts_result ON verdicts (result_id);
CREATE INDEX verdicts_version ON verdicts (prompt_hash, panel);

-- The task texts a verdict was given, by task content hash, so `lim rejudge` can judge
-- stored answers again without the task's Go source (results hold the prompt, the
-- answer and the check results; these are the rest of what judges see).
CREATE TABLE task_definitions (
    task_hash          TEXT    PRIMARY KEY,
    task_id            TEXT    NOT NULL,
    category           TEXT    NOT NULL,
    title              TEXT    NOT NULL DEFAULT '',
    capabilities       TEXT    NOT NULL DEFAULT '[]',  -- JSON array of strings
    reference          TEXT    NOT NULL DEFAULT '',
    judge_threshold    REAL    NOT NULL DEFAULT 0,
    created_at         DATETIME NOT NULL
);
