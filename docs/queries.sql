-- The usual questions about what a mycelium collector stored, as SQL that runs unchanged on
-- SQLite and on PostgreSQL (the collector's own `GET /api/summary` runs exactly these).
--
-- Every query takes two parameters: $1 = the first day and $2 = the last day of the window,
-- inclusive, as whole days since 1970-01-01 UTC, the unit of the `day` column (the day the
-- collector received the batch). Today is `floor(unix_seconds / 86400)`; in SQLite
-- `CAST(strftime('%s','now') AS INTEGER) / 86400`, in PostgreSQL
-- `floor(extract(epoch FROM now()) / 86400)::bigint`. The last 30 days are $1 = today - 29,
-- $2 = today.
--
-- Installations are counted by `installation_id`, which clients send only while their user's
-- recorded choice is `on`; events without one count as events but not as installations.
-- `platform`, `library_version` and `runtime` of every event come from its installation's
-- latest `system_info` event (NULL when none was seen: shown as 'unknown').
--
-- Each query starts with a line naming it (`-- name:` and its key in the summary's JSON) and
-- a line on what it answers.

-- name: installations
-- How many distinct installations sent anything in the window.
SELECT COUNT(DISTINCT installation_id) AS installations
FROM events
WHERE day BETWEEN $1 AND $2;

-- name: events_by_type
-- How many events of each type arrived in the window.
SELECT event_type, COUNT(*) AS events
FROM events
WHERE day BETWEEN $1 AND $2
GROUP BY event_type
ORDER BY event_type;

-- name: daily_active_installations
-- Daily active installations: distinct installations that sent anything, per day.
SELECT day, COUNT(DISTINCT installation_id) AS installations
FROM events
WHERE day BETWEEN $1 AND $2
GROUP BY day
ORDER BY day;

-- name: events_per_type_per_day
-- Events per type per day.
SELECT day, event_type, COUNT(*) AS events
FROM events
WHERE day BETWEEN $1 AND $2
GROUP BY day, event_type
ORDER BY day, event_type;

-- name: top_operations
-- The ten most used operations (agent_usage events), most used first.
SELECT operation, COUNT(*) AS events
FROM events
WHERE day BETWEEN $1 AND $2 AND event_type = 'agent_usage'
GROUP BY operation
ORDER BY events DESC, operation
LIMIT 10;

-- name: error_rate
-- Error rate by library version and platform: error events over all events.
SELECT COALESCE(library_version, 'unknown') AS library_version,
       COALESCE(platform, 'unknown') AS platform,
       SUM(CASE WHEN event_type = 'error' THEN 1 ELSE 0 END) AS errors,
       COUNT(*) AS events,
       CAST(SUM(CASE WHEN event_type = 'error' THEN 1 ELSE 0 END) AS DOUBLE PRECISION)
           / COUNT(*) AS rate
FROM events
WHERE day BETWEEN $1 AND $2
GROUP BY COALESCE(library_version, 'unknown'), COALESCE(platform, 'unknown')
ORDER BY library_version, platform;

-- name: performance
-- p50 and p95 of each performance metric (per metric name and unit), by the nearest-rank
-- method: the value at rank ceil(p/100 * samples) of the sorted values.
SELECT metric_name, unit, COUNT(*) AS samples,
       MIN(CASE WHEN value_rank = (samples_in_group * 50 + 99) / 100 THEN value END) AS p50,
       MIN(CASE WHEN value_rank = (samples_in_group * 95 + 99) / 100 THEN value END) AS p95
FROM (
    SELECT metric_name, COALESCE(unit, '') AS unit, value,
           ROW_NUMBER() OVER (PARTITION BY metric_name, COALESCE(unit, '') ORDER BY value) AS value_rank,
           COUNT(*) OVER (PARTITION BY metric_name, COALESCE(unit, '')) AS samples_in_group
    FROM events
    WHERE day BETWEEN $1 AND $2 AND event_type = 'performance' AND value IS NOT NULL
) AS ranked
GROUP BY metric_name, unit
ORDER BY metric_name, unit;

-- name: platforms
-- Which platforms and runtimes installations run on (from their system_info events), most
-- installations first.
SELECT COALESCE(platform, 'unknown') AS platform,
       COALESCE(runtime, 'unknown') AS runtime,
       COUNT(DISTINCT installation_id) AS installations
FROM events
WHERE day BETWEEN $1 AND $2 AND event_type = 'system_info'
GROUP BY COALESCE(platform, 'unknown'), COALESCE(runtime, 'unknown')
ORDER BY installations DESC, platform, runtime;
