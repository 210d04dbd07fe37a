-- hwbench: one row per benchmark process (`go test -bench ./hwbench/`), with the identity
-- of the device it ran on and what it knew about the server.
CREATE TABLE hw_runs (
    id                     INTEGER PRIMARY KEY,
    tier                   TEXT    NOT NULL,             -- LIM_TIER, or a label made from the identity
    tier_source            TEXT    NOT NULL,             -- 'LIM_TIER' or 'derived'
    cpu_model              TEXT    NOT NULL DEFAULT '',
    cores                  INTEGER NOT NULL,
    memory_bytes           INTEGER,                      -- NULL when the OS did not say
    os                     TEXT    NOT NULL,
    arch                   TEXT    NOT NULL,
    gpu                    TEXT    NOT NULL DEFAULT '',  -- '' when none was found
    gpu_memory_bytes       INTEGER,
    bandwidth_gbs          REAL,                         -- memory bandwidth the ceilings use
    bandwidth_source       TEXT    NOT NULL DEFAULT '',  -- 'probe copy', 'probe triad', 'LIM_BANDWIDTH_GBS'
    server_parallel        INTEGER,                      -- the server's parallelism, when known
    server_parallel_source TEXT    NOT NULL DEFAULT '',  -- where that number came from
    settings               TEXT    NOT NULL DEFAULT '',  -- hwbench's configuration, JSON
    go_version             TEXT    NOT NULL DEFAULT '',
    started_at             DATETIME NOT NULL
);

-- One row per model a run benchmarked: what lim learnt about it on this device.
CREATE TABLE hw_models (
    id                     INTEGER PRIMARY KEY,
    run_id                 INTEGER NOT NULL REFERENCES hw_runs (id) ON DELETE CASCADE,
    model                  TEXT    NOT NULL,             -- model spec
    model_digest           TEXT    NOT NULL DEFAULT '',
    quant                  TEXT    NOT NULL,             -- 'unknown' when the server does not say
    runtime                TEXT    NOT NULL,             -- 'ollama', or the OpenAI-compatible endpoint
    runtime_version        TEXT    NOT NULL DEFAULT '',
    parameters             INTEGER,
    weights_bytes          INTEGER,
    bytes_per_token        INTEGER,                      -- read per decoded token at an empty context
    bytes_source           TEXT    NOT NULL DEFAULT '',  -- how bytes_per_token was worked out
    kv_bytes_per_token     INTEGER,                      -- KV cache per token of context
    num_ctx                INTEGER,
    fit                    TEXT    NOT NULL DEFAULT '',  -- 'fits', 'fits alone', 'no', 'unknown'
    fit_detail             TEXT    NOT NULL DEFAULT '',
    loaded_bytes           INTEGER,                      -- Ollama /api/ps size
    vram_bytes             INTEGER,                      -- Ollama /api/ps size_vram
    spill                  TEXT    NOT NULL DEFAULT '',
    UNIQUE (run_id, model)
);

-- One row per sub-benchmark measurement (each -count repetition is its own row).
CREATE TABLE hw_results (
    id                     INTEGER PRIMARY KEY,
    run_id                 INTEGER NOT NULL REFERENCES hw_runs (id) ON DELETE CASCADE,
    benchmark              TEXT    NOT NULL,             -- the name go test prints, without -GOMAXPROCS
    kind                   TEXT    NOT NULL,             -- decode, prefill, load, users, bandwidth
    param                  TEXT    NOT NULL,             -- the last name element, e.g. 'ctx=4096'
    model                  TEXT    NOT NULL DEFAULT '',  -- model spec; '' for device benchmarks
    iterations             INTEGER NOT NULL,
    note                   TEXT    NOT NULL DEFAULT '',
    created_at             DATETIME NOT NULL
);

CREATE INDEX hw_results_run ON hw_results (run_id, model, kind);

-- The metrics of a measurement, in the units the benchmark reported (tok/s, ttft-ms, …).
CREATE TABLE hw_metrics (
    result_id              INTEGER NOT NULL REFERENCES hw_results (id) ON DELETE CASCADE,
    unit                   TEXT    NOT NULL,
    value                  REAL    NOT NULL,
    PRIMARY KEY (result_id, unit)
);
